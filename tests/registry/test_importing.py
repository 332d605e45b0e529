import json
from pathlib import Path
from typing import Any

import pytest

from silkbridge.core.models import AuditEntry
from silkbridge.registry.importing import import_ror
from silkbridge.registry.models import Organisation
from silkbridge.registry.ror import RecordError, parse_v1_row, parse_v2, read_file

DATA = Path(__file__).resolve().parent.parent / "data"
V2 = DATA / "ror_v2_sample.jsonl"
V1 = DATA / "ror_v1_sample.csv"


def test_v2_record_keeps_names_in_every_language() -> None:
    record = next(r for _n, r in read_file(V2) if not isinstance(r, RecordError) and r.ror_id == "00hqwyj63")
    assert record.name == "Heilongjiang Academy of Sciences"
    assert record.names["zh"] == "黑龙江省科学院"
    assert record.country == "CN"
    assert record.kind in {"facility", "government", "nonprofit", "education", "other", "funder"}


def test_v1_row_parses_labels_aliases_and_successor() -> None:
    rows = {r.ror_id: r for _n, r in read_file(V1) if not isinstance(r, RecordError)}
    anglia = rows["0009t4v78"]
    assert anglia.names == {
        "en": "Anglia Ruskin University Higher Education Corporation",
        "cy": "Prifysgol Anglia Ruskin",
    }
    assert anglia.acronyms == ["ARU"] and anglia.kind == "education" and anglia.established == 1992
    assert rows["03yf5zr20"].successors == ["01a8ajp46"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"id": "https://ror.org/xyz", "names": []}, "invalid ROR id"),
        ({"id": "https://ror.org/00hqwyj63", "names": [{"value": "x", "types": ["label"]}]}, "no display name"),
        (
            {"id": "https://ror.org/00hqwyj63", "names": [{"value": "X", "types": ["ror_display"]}], "status": "gone"},
            "unknown status",
        ),
    ],
)
def test_bad_v2_records_say_why(raw: dict[str, Any], reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        parse_v2(raw)


def test_bad_v1_row_says_why() -> None:
    with pytest.raises(RecordError, match="no name"):
        parse_v1_row({"ror_id": "0009t4v78", "name": " "})


@pytest.mark.django_db
def test_import_creates_each_organisation_once_and_folds_withdrawn_into_successor(reference: Any) -> None:
    report = import_ror([V2, V1])
    assert report.read == 7 and report.created == 6 and report.folded == 1 and not report.invalid
    successor = Organisation.objects.get(ror_id="01a8ajp46")
    assert successor.former_ror_ids == ["03yf5zr20"]
    assert "Clermont Université" in successor.aliases
    assert not Organisation.objects.filter(ror_id="03yf5zr20").exists()
    assert Organisation.objects.get(ror_id="00hqwyj63").country_id == "CN"
    assert AuditEntry.objects.filter(action="import").count() == 6


@pytest.mark.django_db
def test_import_twice_changes_nothing(reference: Any) -> None:
    import_ror([V2, V1])
    before = list(Organisation.objects.order_by("ror_id").values())
    again = import_ror([V1, V2])  # order of files does not matter
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert list(Organisation.objects.order_by("ror_id").values()) == before


@pytest.mark.django_db
def test_changed_record_updates_its_organisation_and_is_audited(reference: Any, tmp_path: Path) -> None:
    import_ror([V2])
    lines = V2.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[1])
    record["established"] = 1958
    changed = tmp_path / "changed.jsonl"
    changed.write_text("\n".join([lines[0], json.dumps(record), *lines[2:]]), encoding="utf-8")
    report = import_ror([changed])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    org = Organisation.objects.get(ror_id="00hqwyj63")
    assert org.established == 1958
    entry = AuditEntry.objects.get(action="update", object_id=str(org.pk))
    assert entry.changes["established"][1] == 1958


@pytest.mark.django_db
def test_bad_records_are_reported_and_the_others_imported(reference: Any, tmp_path: Path) -> None:
    bad = tmp_path / "mixed.jsonl"
    good = V2.read_text(encoding="utf-8").splitlines()[0]
    bad.write_text("\n".join([good, "{not json", json.dumps({"id": "bad", "names": []})]), encoding="utf-8")
    report = import_ror([bad])
    assert report.created == 1
    assert len(report.invalid) == 2
    assert report.invalid[0].startswith("mixed.jsonl:2: malformed JSON")
    assert "invalid ROR id" in report.invalid[1]


@pytest.mark.django_db
def test_search_finds_organisations_by_name_in_any_language(reference: Any, client: Any) -> None:
    import_ror([V2, V1])
    for query, expected in [
        ("黑龙江", "Heilongjiang Academy"),
        ("Запорожский", "Zaporizhzhia"),
        ("universite clermont", "Clermont Auvergne"),
        ("ARU", "Anglia Ruskin"),
    ]:
        html = client.get("/en/organisations/", {"q": query}).content.decode()
        assert expected in html, query
