"""Reading Research Organization Registry (ROR) dumps: schema v2 JSON Lines
(gzipped or not) and the older schema's flat CSV. Pure parsing, no database."""

import csv
import gzip
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROR_ID = re.compile(r"^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$")
TYPES = {"education", "facility", "company", "government", "healthcare", "nonprofit", "funder", "archive", "other"}
STATUSES = {"active", "inactive", "withdrawn"}


class RecordError(ValueError):
    """A record that cannot be imported; the message says why."""


@dataclass
class RorRecord:
    ror_id: str
    name: str
    names: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    kind: str = "other"
    status: str = "active"
    country: str = ""
    city: str = ""
    website: str = ""
    established: int | None = None
    source: str = "ror-v2"
    successors: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)


def _bare_id(value: str) -> str:
    ror_id = (value or "").strip().rsplit("/", 1)[-1]
    if not ROR_ID.match(ror_id):
        raise RecordError(f"invalid ROR id {value!r}")
    return ror_id


def _year(value: Any) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1000 <= year <= 2100 else None


def _kind(types: list[str]) -> str:
    for t in types:
        if t.strip().lower() in TYPES:
            return t.strip().lower()
    return "other"


def _status(value: str) -> str:
    status = (value or "active").strip().lower()
    if status not in STATUSES:
        raise RecordError(f"unknown status {value!r}")
    return status


def parse_v2(obj: dict[str, Any]) -> RorRecord:
    if not isinstance(obj, dict):
        raise RecordError("not a JSON object")
    ror_id = _bare_id(str(obj.get("id", "")))
    names = obj.get("names") or []
    display = next((n.get("value", "") for n in names if "ror_display" in (n.get("types") or [])), "")
    if not display.strip():
        raise RecordError("no display name")
    by_lang: dict[str, str] = {}
    aliases: list[str] = []
    acronyms: list[str] = []
    for n in names:
        value, types, lang = (n.get("value") or "").strip(), n.get("types") or [], n.get("lang")
        if not value:
            continue
        if "acronym" in types:
            acronyms.append(value)
        elif lang and ("label" in types or "ror_display" in types) and lang not in by_lang:
            by_lang[lang] = value
        elif value != display:
            aliases.append(value)
    location = ((obj.get("locations") or [{}])[0] or {}).get("geonames_details") or {}
    website = next((link.get("value", "") for link in obj.get("links") or [] if link.get("type") == "website"), "")
    relationships = obj.get("relationships") or []
    return RorRecord(
        ror_id=ror_id,
        name=display.strip()[:300],
        names=by_lang,
        aliases=list(dict.fromkeys(aliases)),
        acronyms=list(dict.fromkeys(acronyms)),
        kind=_kind(obj.get("types") or []),
        status=_status(obj.get("status", "active")),
        country=(location.get("country_code") or "").upper(),
        city=(location.get("name") or "")[:200],
        website=website[:500],
        established=_year(obj.get("established")),
        source="ror-v2",
        successors=[_bare_id(r["id"]) for r in relationships if r.get("type") == "successor" and r.get("id")],
        parents=[_bare_id(r["id"]) for r in relationships if r.get("type") == "parent" and r.get("id")],
    )


def _split(value: str) -> list[str]:
    return [item.strip() for item in (value or "").split("|") if item.strip()]


def parse_v1_row(row: dict[str, str]) -> RorRecord:
    ror_id = _bare_id(row.get("ror_id", ""))
    name = (row.get("name") or "").strip()
    if not name:
        raise RecordError("no name")
    names: dict[str, str] = {}
    for label in _split(row.get("labels_by_lang", "")):
        lang, sep, value = label.partition(":")
        if sep and lang and value.strip():
            names.setdefault(lang.strip(), value.strip())
    relationships = [r.partition(":") for r in _split(row.get("relationships", ""))]
    return RorRecord(
        ror_id=ror_id,
        name=name[:300],
        names=names,
        aliases=_split(row.get("aliases", "")),
        acronyms=_split(row.get("acronyms", "")),
        kind=_kind((row.get("types") or "").split(";")),
        status=_status(row.get("status", "active")),
        country=(row.get("country_code") or "").strip().upper(),
        city=(row.get("city") or "").strip()[:200],
        established=_year(row.get("established")),
        source="ror-v1",
        successors=[_bare_id(target) for kind, _sep, target in relationships if kind.lower() == "successor"],
        parents=[_bare_id(target) for kind, _sep, target in relationships if kind.lower() == "parent"],
    )


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8", newline="")


def collect(
    paths: Iterable[Path], seen: Callable[[Path, int, "RorRecord | RecordError"], object] | None = None
) -> dict[str, RorRecord]:
    """All valid records of the files by ROR id; schema v2 wins over v1 for the same id.
    ``seen`` is told of every record read, bad ones included."""
    records: dict[str, RorRecord] = {}
    for path in paths:
        for number, item in read_file(path):
            if seen:
                seen(path, number, item)
            if isinstance(item, RecordError):
                continue
            known = records.get(item.ror_id)
            if known is None or (known.source == "ror-v1" and item.source == "ror-v2"):
                records[item.ror_id] = item
    return records


def read_file(path: Path) -> Iterator[tuple[int, RorRecord | RecordError]]:
    """(line or row number, record or the reason it is bad) for every record of the file."""
    name = path.name.removesuffix(".gz")
    with _open(path) as handle:
        if name.endswith(".csv"):
            for number, row in enumerate(csv.DictReader(handle), start=2):
                yield number, _safe(parse_v1_row, row)
        elif name.endswith((".jsonl", ".json")):
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, _safe(_parse_json_line, line)
        else:
            raise RecordError(f"{path}: expected .jsonl, .jsonl.gz or .csv")


def _parse_json_line(line: str) -> RorRecord:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError(f"malformed JSON ({exc.msg})") from None
    return parse_v2(obj)


def _safe(parse: Any, raw: Any) -> RorRecord | RecordError:
    try:
        return parse(raw)  # type: ignore[no-any-return]
    except RecordError as exc:
        return exc
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        return RecordError(f"unexpected structure ({exc.__class__.__name__}: {exc})")
