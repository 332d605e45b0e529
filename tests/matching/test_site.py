import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from silkbridge.accounts.domain import create_api_token
from silkbridge.cooperation.models import Partnership, Project
from silkbridge.matching import index
from silkbridge.matching.models import Exposure
from silkbridge.registry import domain as registry
from silkbridge.registry.models import Organisation
from tests.conftest import client_for
from tests.factories import ExpertFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def api_headers(user: Any) -> dict[str, str]:
    if user is None:
        return {}
    _, key = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def keys(response: Any) -> list[str]:
    return [f"{r['type']}:{r['id']}" for r in response.json()["results"]]


@pytest.fixture
def records(reference: Any) -> dict[str, Any]:
    soil = OrganisationFactory(
        name="Institute of Soil Science", country_id="CN", description="Soil fertility and erosion."
    )
    stars = OrganisationFactory(name="Observatory of Stars", country_id="CL", description="Galaxies and telescopes.")
    experts = {
        v: ExpertFactory(name=f"{v.title()} Soil Expert", keywords=["soil erosion"], visibility=v)
        for v in ("public", "members", "hidden")
    }
    project = Project.objects.create(
        title="Soil erosion in the Loess Plateau", abstract="Terraces and soil.", start_on=date(2020, 1, 1)
    )
    Partnership.objects.create(organisation=soil, project=project)
    Partnership.objects.create(organisation=stars, project=project)
    return {"soil": soil, "stars": stars, "experts": experts, "project": project}


def test_search_page_lists_results_with_their_reasons(client: Any, records: dict[str, Any]) -> None:
    response = client.get("/en/search/", {"q": "soil erosion"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Soil erosion in the Loess Plateau" in html
    assert "Words found: soil, erosion" in html
    assert "Similarity of meaning" in html
    # the project's abstract is the piece its similarity was measured on, shown as a quote
    assert '<li class="passage">Closest in meaning: <bdi>Terraces and soil.</bdi></li>' in html


def test_search_api_ranks_and_explains(client: Any, records: dict[str, Any]) -> None:
    response = client.get("/api/v1/search", {"q": "soil fertility", "type": "organisation"})
    body = response.json()
    assert response.status_code == 200
    assert body["results"][0]["id"] == records["soil"].pk
    assert body["results"][0]["reasons"]["matched"] == ["soil", "fertility"]
    assert body["results"][0]["reasons"]["passage"] == f"{records['soil'].city}. Soil fertility and erosion."
    assert all(r["type"] == "organisation" for r in body["results"])


def test_search_api_answers_the_list_shape_with_offset_links(client: Any, records: dict[str, Any]) -> None:
    first = client.get("/api/v1/search", {"q": "soil", "limit": 1}).json()
    assert first["count"] >= 2 and first["items"] == first["results"] and first["previous"] is None
    second = client.get(first["next"]).json()
    assert "offset=1" in first["next"] and second["items"][0] != first["items"][0]
    assert client.get(second["previous"]).json()["items"] == first["items"]


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        (None, {"public"}),
        ("member", {"public", "members"}),
        ("staff", {"public", "members", "hidden"}),
    ],
)
def test_search_shows_each_expert_only_to_whom_it_may_be_shown(
    role: str | None, visible: set[str], records: dict[str, Any]
) -> None:
    user = None if role is None else UserFactory(is_staff=role == "staff")
    client = client_for(user)
    params = {"q": "soil erosion", "type": "expert", "limit": 100}
    found = set(keys(client.get("/api/v1/search", params, **api_headers(user))))
    expected = {f"expert:{records['experts'][v].pk}" for v in visible}
    assert found == expected
    html = client.get("/en/search/", {"q": "soil erosion", "type": "expert"}).content.decode()
    for v, expert in records["experts"].items():
        assert (expert.name in html) == (v in visible)


def test_an_edit_is_searchable_after_commit_and_a_deletion_disappears(
    client: Any, records: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    index.current()  # an index exists before the change
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        registry.update_organisation(
            records["stars"], data={"description": "Radio astronomy and permafrost."}, actor=staff
        )
    assert f"organisation:{records['stars'].pk}" in keys(client.get("/api/v1/search", {"q": "permafrost"}))
    with django_capture_on_commit_callbacks(execute=True):
        registry.delete_expert(records["experts"]["public"], actor=staff)
    assert not [k for k in keys(client.get("/api/v1/search", {"q": "soil", "type": "expert"}))]


def test_an_edit_updates_that_record_alone_without_a_build(
    records: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    index.current()
    before, written = index.built_at(), index.updates_written()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for n in range(3):
            OrganisationFactory(name=f"New Lab {n}", description="Mangrove restoration.")
    assert index.built_at() == before  # no build: the three records were updated in place
    assert index.updates_written() == written + len(callbacks)
    new = {f"organisation:{o.pk}" for o in Organisation.objects.filter(name__startswith="New Lab")}
    engine = index.current().engine
    assert len(new) == 3 and new <= set(engine.positions) and len(engine.added) == 3
    assert {h.key for h in engine.search("mangrove", 10, floor=True)} == new


@pytest.mark.parametrize(
    "params", [{}, {"q": ""}, {"q": "x" * 201}, {"q": "soil", "type": "planet"}, {"q": "soil", "limit": 0}]
)
def test_bad_search_requests_get_a_translated_json_error(
    client: Any, records: dict[str, Any], params: dict[str, Any]
) -> None:
    response = client.get("/api/v1/search", params, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["message"] == "La requête n'est pas valide."


def test_search_page_empty_state_and_no_query(client: Any, records: dict[str, Any]) -> None:
    empty = client.get("/en/search/", {"q": "qwertyzxcv"}).content.decode()
    assert "Nothing matched" in empty and '<ol class="results"' not in empty
    page = client.get("/en/search/").content.decode()
    assert "Nothing matched" not in page and 'name="q"' in page


def test_search_pages_cost_a_constant_number_of_queries(
    client: Any, records: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    index.current()
    client.get("/en/search/", {"q": "soil"})  # warm caches (sessions, translations)
    with django_assert_max_num_queries(12):
        client.get("/en/search/", {"q": "soil"})
    for n in range(10):
        OrganisationFactory(name=f"Soil Station {n}", country_id="KE")
    index.rebuild()
    with django_assert_max_num_queries(12):
        client.get("/en/search/", {"q": "soil"})
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/v1/search", {"q": "soil", "limit": 20}).json()["results"]) >= 10


def test_exposure_is_counted_per_country_and_public(records: dict[str, Any]) -> None:
    client_for(None).get("/api/v1/search", {"q": "soil fertility", "type": "organisation"})
    assert Exposure.objects.get(kind="organisation", country="CN").appearances >= 1
    staff_user = UserFactory(is_staff=True)
    staff = client_for(staff_user)
    rows = {r["country"]: r for r in staff.get("/api/v1/search/exposure", **api_headers(staff_user)).json()}
    assert rows["CN"]["records"] >= 1 and rows["CN"]["appearances"] >= 1
    assert 0 < rows["CN"]["record_share"] <= 1
    assert "China" in staff.get("/en/search/exposure/").content.decode()
    for user in (None, UserFactory(), UserFactory(is_moderator=True)):  # aggregates only: public
        assert "/en/search/exposure/" in client_for(user).get("/en/search/").content.decode()
        assert client_for(user).get("/api/v1/search/exposure", **api_headers(user)).status_code == 200
        assert "China" in client_for(user).get("/en/search/exposure/").content.decode()
    v1 = client_for(None).get("/api/v1/search/exposure").json()
    page = client_for(None).get("/api/v2/search/exposure", {"page_size": 1}).json()
    assert page["items"] == v1[:1] and page["count"] == len(v1) >= 2 and page["next"].endswith("page=2")


def test_organisation_page_shows_similar_organisations_and_potential_partners(
    client: Any, records: dict[str, Any]
) -> None:
    third = OrganisationFactory(name="Soil and Water Institute", country_id="CN", description="Soil fertility.")
    other = Project.objects.create(title="Dark skies", start_on=date(2021, 1, 1))
    Partnership.objects.create(organisation=records["stars"], project=other)
    Partnership.objects.create(organisation=third, project=other)
    html = client.get(records["soil"].get_absolute_url()).content.decode()
    similar = html.split("Similar organisations")[1].split("Potential partners")[0]
    assert "Soil and Water Institute" in similar
    partners = html.split("Potential partners")[1]
    assert "Soil and Water Institute" in partners
    assert re.search(r"Partners in common:.*Observatory of Stars", partners, re.S)
    api = client.get(f"/api/v1/organisations/{records['soil'].pk}/partners").json()
    assert api[0]["id"] == third.pk and api[0]["shared_partners"] == [records["stars"].pk]
    for kind in ("partners", "similar"):  # v2: the same ranking, in the list shape
        v1 = client.get(f"/api/v1/organisations/{records['soil'].pk}/{kind}", {"limit": 10}).json()
        v2 = client.get(f"/api/v2/organisations/{records['soil'].pk}/{kind}", {"limit": 10, "page_size": 1})
        body = v2.json()
        assert body["items"] == v1[:1] and body["count"] == len(v1) and body["previous"] is None
        assert (body["next"] is None) == (len(v1) == 1)
        if body["next"]:
            assert client.get(body["next"]).json()["items"] == v1[1:2]


def test_reindex_command_reports_progress(records: dict[str, Any], capsys: Any) -> None:
    call_command("reindex", "--fresh")
    out = capsys.readouterr().out
    assert "records read" in out and "index rebuilt" in out
    assert index.current().engine.positions.keys() >= {f"organisation:{records['soil'].pk}"}


@pytest.mark.django_db(transaction=True)
def test_with_a_task_queue_a_worker_refreshes_the_index(settings: Any) -> None:
    # transactional: a real commit queues the task, and the worker closes its connection
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    OrganisationFactory(name="Tundra Station")
    index.rebuild()
    written = index.updates_written()
    lab = OrganisationFactory(name="Permafrost Laboratory")
    assert index.updates_written() == written  # queued, not run in the request
    assert f"organisation:{lab.pk}" not in index.current(fresh=True).engine.positions
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert index.updates_written() > written
    assert f"organisation:{lab.pk}" in index.current(fresh=True).engine.positions


def test_list_pages_offer_the_search_by_meaning(client: Any, records: dict[str, Any]) -> None:
    organisations = client.get("/en/organisations/", {"q": "soil"}).content.decode()
    assert "/en/search/?type=organisation&amp;q=soil" in organisations
    experts = client.get("/en/experts/", {"q": "soil"}).content.decode()
    assert "/en/search/?type=expert&amp;q=soil" in experts


def test_without_an_index_a_queued_site_searches_an_empty_one_and_queues_one_build(
    settings: Any, records: dict[str, Any], client: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for _ in range(3):
        assert client.get("/api/v1/search", {"q": "soil"}).json()["items"] == []
    assert DBTaskResult.objects.count() == 1


def test_a_bulk_import_refreshes_the_index_once_at_the_end(reference: Any, capsys: Any) -> None:
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "data" / "ror_v2_sample.jsonl"
    call_command("import-ror", str(sample))
    out = capsys.readouterr().out
    assert out.count("Refreshing the search index") == 1 and "records read" in out
    keys = set(index.current().engine.positions)
    assert {f"organisation:{pk}" for pk in Organisation.objects.values_list("pk", flat=True)} == keys


def left_by_an_older_release(settings: Any) -> str:
    """An index as an older release left it (made by another embedder), found by a process
    started after the upgrade; its folder."""
    import json

    index.rebuild()
    root = settings.SILKBRIDGE_MATCHING_DIR
    folder = str(json.loads((root / "current").read_text())["folder"])
    meta = root / folder / "meta.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "embedder": "an-older-model"}))
    index._loaded.clear()
    return folder


def test_an_index_of_another_embedder_is_rebuilt_not_an_error(
    settings: Any, records: dict[str, Any], client: Any
) -> None:
    outdated = left_by_an_older_release(settings)
    response = client.get("/api/v1/search", {"q": "soil"})
    assert response.status_code == 200 and f"organisation:{records['soil'].pk}" in keys(response)
    assert index.current().folder != outdated


def test_with_a_task_queue_an_outdated_index_is_queued_once_and_an_empty_one_searched(
    settings: Any, records: dict[str, Any], client: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    left_by_an_older_release(settings)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for _ in range(3):
        assert client.get("/api/v1/search", {"q": "soil"}).json()["items"] == []
        index._loaded[settings.SILKBRIDGE_MATCHING_DIR].checked_at = 0  # the pointer is read again
    assert DBTaskResult.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Read in the record's language:"), ("ar", "مقروءة بلغة السجل:"), ("zh-hans", "按记录的语言理解：")],
)
def test_a_query_word_read_in_the_records_language_is_shown_isolated(language: str, label: str) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    from silkbridge.matching.engine import Reading, Reasons

    reasons = Reasons(translated=[Reading("الري", "irrigation"), Reading("بالتنقيط", "drip")])
    with translation.override(language):
        html = render_to_string("matching/_reasons.html", {"reasons": reasons})
    assert f"<li>{label} <bdi>الري</bdi> (<bdi>irrigation</bdi>), <bdi>بالتنقيط</bdi> (<bdi>drip</bdi>)</li>" in html
    assert "<li>" not in render_to_string("matching/_reasons.html", {"reasons": Reasons()})


def test_the_api_gives_each_reading_of_a_query_word(client: Any, records: dict[str, Any]) -> None:
    from silkbridge.api.matching import ReasonsOut
    from silkbridge.matching.engine import Reading, Reasons

    out = ReasonsOut.from_orm(Reasons(translated=[Reading("riego", "irrigation")])).dict()
    assert out["translated"] == [{"word": "riego", "read_as": "irrigation"}]
    response = client.get("/api/v1/search", {"q": "soil erosion"})
    assert all(r["reasons"]["translated"] == [] for r in response.json()["results"])  # no foreign word in it


def test_the_settings_accept_exactly_the_embedders_that_exist(monkeypatch: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from silkbridge.core.env import env_choice
    from silkbridge.matching.embedding import EMBEDDERS

    for name in EMBEDDERS:
        monkeypatch.setenv("SILKBRIDGE_EMBEDDER", name)
        assert env_choice("SILKBRIDGE_EMBEDDER", "default", ("default", "e5", "fake")) == name
    source = (Path(settings.BASE_DIR) / "settings.py").read_text()
    assert 'env_choice("SILKBRIDGE_EMBEDDER", "default", ("default", "e5", "fake"))' in source
    assert set(EMBEDDERS) == {"default", "e5", "fake"}
    monkeypatch.setenv("SILKBRIDGE_EMBEDDER", "bert")
    with pytest.raises(ImproperlyConfigured, match="SILKBRIDGE_EMBEDDER must be one of"):
        env_choice("SILKBRIDGE_EMBEDDER", "default", ("default", "e5", "fake"))


@pytest.fixture
def cooperation_records(reference: Any) -> dict[str, Any]:
    from silkbridge.cooperation.models import Agreement, DemonstrationCentre, JointLab

    return {
        "agreement": Agreement.objects.create(
            kind="intergovernmental", titles={"en": "Accord on glacier hydrology"}, summaries={"en": "Meltwater."}
        ),
        "lab": JointLab.objects.create(names={"en": "Joint Laboratory of Glacier Hydrology"}, description="Ice."),
        "centre": DemonstrationCentre.objects.create(
            names={"en": "Glacier hydrology demonstration centre"}, host_country_id="NP", technologies="Ice stupas"
        ),
    }


def test_search_finds_agreements_labs_and_centres_linking_to_their_pages(
    client: Any, cooperation_records: dict[str, Any]
) -> None:
    html = client.get("/en/search/", {"q": "glacier hydrology"}).content.decode()
    for record in cooperation_records.values():
        assert f'<a href="{record.get_absolute_url()}">{record}</a>' in html
    assert "Joint laboratory" in html and "Demonstration centre" in html and "Agreement" in html
    assert '<option value="lab">Joint laboratories</option>' in html


@pytest.mark.parametrize("kind", ["agreement", "lab", "centre"])
def test_search_filters_each_cooperation_kind_on_the_page_and_in_the_api(
    client: Any, cooperation_records: dict[str, Any], kind: str
) -> None:
    record = cooperation_records[kind]
    body = client.get("/api/v1/search", {"q": "glacier hydrology", "type": kind}).json()
    assert keys_of(body) == [f"{kind}:{record.pk}"]
    assert body["results"][0]["url"] == record.get_absolute_url()
    html = client.get("/en/search/", {"q": "glacier hydrology", "type": kind}).content.decode()
    others = [r for k, r in cooperation_records.items() if k != kind]
    assert record.get_absolute_url() in html and not any(r.get_absolute_url() in html for r in others)


def test_search_api_refuses_a_kind_nobody_registered(client: Any) -> None:
    response = client.get("/api/v1/search", {"q": "glacier", "type": "spaceship"})
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def keys_of(body: dict[str, Any]) -> list[str]:
    return [f"{r['type']}:{r['id']}" for r in body["results"]]


def test_a_query_that_means_nothing_finds_nothing_and_says_so(client: Any, reference: Any) -> None:
    for n in range(40):
        OrganisationFactory(name=f"Station {n} of Soil and Water", country_id="KE", description=f"Crops {n}.")
    html = client.get("/en/search/", {"q": "xyzzyqq"}).content.decode()
    assert "Nothing matched" in html and 'class="result"' not in html
    nothing = client.get("/api/v1/search", {"q": "xyzzyqq"}).json()
    assert nothing["count"] == 0 and nothing["items"] == [] and nothing["next"] is None
    assert client.get("/api/v1/search", {"q": "soil water"}).json()["count"] == 40


def similar_panel(client: Any, org: Organisation) -> str:
    html = client.get(org.get_absolute_url()).content.decode()
    return html.split("Similar organisations")[1].split("Potential partners")[0]


def test_a_similar_name_alone_is_no_reason_to_suggest_an_organisation(client: Any, reference: Any) -> None:
    laikipia = OrganisationFactory(name="Laikipia University", country_id="KE", description="")
    OrganisationFactory(name="Latakia University", country_id="SY", description="")
    panel = similar_panel(client, laikipia)
    assert "Latakia" not in panel and "No similar organisation found yet." in panel


def test_similar_organisations_show_their_own_evidence_best_first(client: Any, reference: Any) -> None:
    source = OrganisationFactory(name="Soil Institute", country_id="KE", description="")
    source.fields.set(["4.1", "1.5"])
    two = OrganisationFactory(name="Ocean Centre", country_id="CL", description="")
    two.fields.set(["4.1", "1.5"])
    one = OrganisationFactory(name="Farm Agency", country_id="BR", description="")
    one.fields.set(["4.1"])
    OrganisationFactory(name="Soil Institute Annex", country_id="KE", description="")  # a name only
    panel = similar_panel(client, source)
    assert panel.index("Ocean Centre") < panel.index("Farm Agency") and "Annex" not in panel
    assert "Shared fields of science: 1.5, 4.1" in panel and "Shared fields of science: 4.1<" in panel
    assert "Same type: University or college" in panel or "Same type:" in panel
    api = client.get(f"/api/v1/organisations/{source.pk}/similar").json()
    assert [r["id"] for r in api] == [two.pk, one.pk]
    assert [r["score"] for r in api] == sorted((r["score"] for r in api), reverse=True)


def test_potential_partners_each_name_their_partners_in_common(client: Any, records: dict[str, Any]) -> None:
    third = OrganisationFactory(name="Soil and Water Institute", country_id="CN")
    other = Project.objects.create(title="Dark skies", start_on=date(2021, 1, 1))
    Partnership.objects.create(organisation=records["stars"], project=other)
    Partnership.objects.create(organisation=third, project=other)
    partners = client.get(records["soil"].get_absolute_url()).content.decode().split("Potential partners")[1]
    assert re.search(r"Soil and Water Institute.*Partners in common:.*Observatory of Stars", partners, re.S)
    assert "Share of current partners" not in partners
    lonely = OrganisationFactory(name="Lonely Institute", country_id="CN")
    html = client.get(lonely.get_absolute_url()).content.decode().split("Potential partners")[1]
    assert "No suggestion yet" in html


@pytest.mark.django_db(transaction=True)
def test_with_a_refresh_thread_the_saving_request_does_not_wait_for_the_index(reference: Any) -> None:
    # transactional: the thread reads what the save committed, on its own connection
    import fcntl

    org = OrganisationFactory(name="Permafrost Laboratory", country_id="NO", description="")
    index.rebuild()
    before, written = index.built_at(), index.updates_written()
    index.start_background()
    try:
        with (Path(settings.SILKBRIDGE_MATCHING_DIR) / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process writing an update: the thread waits
            registry.update_organisation(org, data={"description": "Thawing ground in the Arctic."}, actor=None)
            assert index.updates_written() == written  # the save returned without the index
            fcntl.flock(lock, fcntl.LOCK_UN)
        index.wait_background()
    finally:
        index.stop_background()
    assert index.built_at() == before and index.updates_written() == written + 1  # an update, no build
    assert index.current().engine.search("thawing ground arctic", 1)[0].key == f"organisation:{org.pk}"
