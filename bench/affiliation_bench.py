"""Affiliation matching benchmark on the Crossref set (shared/data/ror-affiliations).

Runs the evaluation command with the registry loaded from both ROR files, then scores the
rows whose gold organisation is in that registry: precision, recall and F1 (a prediction is
correct only with the exact id; an abstention is not a prediction) and throughput.
References (full registry): ROR affiliation service F1 0.787, S2AFF F1 0.892.
Target: F1 >= 0.92 with precision >= 0.95, >= 200 affiliations per second.

Run: make bench   (or: .venv/bin/python bench/affiliation_bench.py)
"""

import csv
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from silkbridge.registry.ror import collect  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
REGISTRY = [DATA / "ror/ror_v2_records_latest.jsonl.gz", DATA / "ror/ror_v1_only_records_flat.csv"]
GOLD = DATA / "ror-affiliations/crossref.csv"
OUT = ROOT / "var" / "bench" / "affiliation-predictions.csv"


def main() -> int:
    if not GOLD.exists() or not all(p.exists() for p in REGISTRY):
        print(f"data not found under {DATA}: this benchmark needs shared/data/ror and ror-affiliations")
        return 2
    OUT.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    command = [sys.executable, "-m", "silkbridge.registry.match_affiliations", "--registry", *map(str, REGISTRY),
               "--input", str(GOLD), "--out", str(OUT)]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    total_seconds = time.monotonic() - started
    registry_ids = {"https://ror.org/" + ror_id for ror_id in collect(REGISTRY)}
    with OUT.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["ror_id"] in registry_ids]
    predicted = [r for r in rows if r["predicted_id"]]
    correct = sum(1 for r in predicted if r["predicted_id"] == r["ror_id"])
    precision = correct / len(predicted) if predicted else 0.0
    recall = correct / len(rows) if rows else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print("Affiliation matching on the Crossref set (rows whose gold id is in the registry)")
    print(run.stderr.strip())
    print(f"rows scored {len(rows):,}; predictions {len(predicted):,}; correct {correct:,}")
    print(f"precision {precision:.4f} (target >= 0.95)  recall {recall:.4f}  F1 {f1:.4f} (target >= 0.92)")
    print(f"whole command {total_seconds:.1f} s including the registry index")
    print("references, full registry: ROR affiliation service F1 0.787, S2AFF F1 0.892")
    return 0 if precision >= 0.95 and f1 >= 0.92 else 1


if __name__ == "__main__":
    sys.exit(main())
