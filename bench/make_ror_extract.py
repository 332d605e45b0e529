"""Build silkbridge/registry/data/ror_demo.jsonl.gz, the demo site's organisations.

Deterministic: every ROR v2 record with an Arabic, Chinese or Russian name (so that the
demo shows search in those scripts), then every fourth remaining record, up to 4,000.
Run: python bench/make_ror_extract.py ../shared/data/ror/ror_v2_records_latest.jsonl.gz
"""

import gzip
import json
import sys
from pathlib import Path

LIMIT = 4000
OUT = Path(__file__).resolve().parent.parent / "silkbridge/registry/data/ror_demo.jsonl.gz"


def main(source: str) -> None:
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip()]
    scripts = [line for line in lines if {n.get("lang") for n in json.loads(line)["names"]} & {"ar", "zh", "ru"}]
    chosen = set(scripts[:LIMIT])
    rest = [line for line in lines if line not in chosen]
    for line in rest[::4]:
        if len(chosen) >= LIMIT:
            break
        chosen.add(line)
    ordered = [line for line in lines if line in chosen]
    with gzip.GzipFile(OUT, "wb", mtime=0) as out:
        out.write("".join(ordered).encode("utf-8"))
    print(f"{len(ordered)} records ({len(scripts)} with ar/zh/ru names) -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/ror/ror_v2_records_latest.jsonl.gz")
