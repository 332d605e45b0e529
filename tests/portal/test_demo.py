"""The whole demo seed (the ROR extract included): it looks alive on the day it is seeded,
its experts' fields fit their keywords, and the import page's example resolves."""

from pathlib import Path
from typing import Any

import pytest

from silkbridge.accounts.models import Membership
from silkbridge.cooperation.models import JointLab
from silkbridge.portal.demo import seed
from silkbridge.registry.demo import KEYWORD_FIELDS
from silkbridge.registry.identity import suggest_organisation
from silkbridge.registry.models import Expert
from tests.conftest import client_for
from tests.factories import UserFactory

IMPORT_EXAMPLE = "Dept. of Soil Science, Laikipia Univ., Nyahururu, Kenya"


@pytest.mark.slow
@pytest.mark.django_db
def test_the_seeded_demo_is_alive_and_consistent(reference: Any, tmp_path: Path) -> None:
    _report, accounts = seed(tmp_path / "passwords.txt")
    assert any(line.startswith("officer@") for line in accounts)
    editor = Membership.objects.get(user__email="editor@demo.silkbridge.invalid")
    assert JointLab.objects.filter(partners__organisation=editor.organisation).exists()  # edits a demo lab
    home = client_for(None).get("/en/").content.decode()
    assert "0 projects active" not in home
    for expert in Expert.objects.prefetch_related("fields"):
        assert {f.code for f in expert.fields.all()} == {KEYWORD_FIELDS[k] for k in expert.keywords}
    org, match = suggest_organisation(IMPORT_EXAMPLE)
    assert org is not None and org.name == "Laikipia University", match
    moderator = UserFactory(is_moderator=True)
    assert IMPORT_EXAMPLE in client_for(moderator).get("/en/cooperation/import/").content.decode()
