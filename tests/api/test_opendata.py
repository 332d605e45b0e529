import json
from pathlib import Path
from typing import Any

import pytest

from silkbridge.api.opendata import export, neutralise
from silkbridge.registry.models import Expert
from tests.factories import OrganisationFactory


def test_formulas_are_neutralised_in_csv_cells() -> None:
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)" and neutralise("+1") == "'+1" and neutralise("@x") == "'@x"
    assert neutralise("-2") == "'-2" and neutralise("Nairobi") == "Nairobi" and neutralise(None) == ""
    assert neutralise(["a", "b"]) == '["a", "b"]'


@pytest.mark.django_db
def test_export_writes_every_public_table_and_no_private_data(reference: Any, tmp_path: Path) -> None:
    OrganisationFactory(name="=cmd|' /C calc'!A0", contact_email="secret@private.example")
    Expert.objects.create(name="Public Person", visibility="public", email="p@private.example", phone="+1 555")
    Expert.objects.create(name="Hidden Person", visibility="hidden")
    manifest = export(tmp_path)
    assert manifest["tables"]["countries"]["rows"] == 249 and manifest["tables"]["experts"]["rows"] == 1
    assert "CC BY 4.0" in manifest["licence"]
    everything = "".join(p.read_text(encoding="utf-8") for p in tmp_path.iterdir())
    for secret in ("private.example", "+1 555", "Hidden Person"):
        assert secret not in everything
    assert "'=cmd" in (tmp_path / "organisations.csv").read_text(encoding="utf-8")
    first = json.loads((tmp_path / "organisations.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["name"].startswith("=cmd")  # JSON keeps the value; only CSV cells are neutralised


@pytest.mark.django_db
def test_downloads_page_streams_the_same_tables(reference: Any, client: Any) -> None:
    assert "organisations" in client.get("/en/open-data/").content.decode()
    response = client.get("/en/open-data/countries.csv")
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("code,alpha3") and body.count("\n") == 250
    assert client.get("/en/open-data/secrets.csv").status_code == 404
