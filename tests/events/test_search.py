from typing import Any

import pytest

from tests.conftest import client_for
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db


def test_public_events_are_searchable_in_their_languages_and_unlisted_ones_are_not(
    organiser: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        expo = make_event(organiser, descriptions={"en": "Matchmaking for agricultural technology."})
        hidden = make_event(organiser, slug="closed", is_public=False, titles={"en": "Closed agricultural forum"})
    body = client_for(None).get("/api/v1/search", {"q": "agricultural technology matchmaking", "type": "event"}).json()
    assert [(r["type"], r["id"], r["url"]) for r in body["results"]] == [("event", expo.pk, expo.get_absolute_url())]
    html = client_for(None).get("/en/search/", {"q": "科技博览会"}).content.decode()
    assert f'href="{expo.get_absolute_url()}"' in html and hidden.get_absolute_url() not in html
    with django_capture_on_commit_callbacks(execute=True):
        expo.delete()
    assert client_for(None).get("/api/v1/search", {"q": "matchmaking", "type": "event"}).json()["results"] == []
