"""Regression tests of the outside probe's findings (issue #20): hostile input gets a clear
4xx and writes nothing, private details stay private, headers say what may be cached."""

import json
import threading
import time
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection

from silkbridge.accounts.models import User
from silkbridge.core.models import AuditEntry
from silkbridge.registry.models import Expert
from tests.conftest import client_for
from tests.factories import ExpertFactory, UserFactory
from tests.registry.test_permissions import api_headers

LISTS = ["/api/v1/countries", "/api/v1/organisations", "/api/v1/experts", "/api/v1/agreements", "/api/v1/labs",
         "/api/v1/centres", "/api/v1/projects"]  # fmt: skip
FILTERS = {
    "/api/v1/organisations": ["q", "country", "type", "field", "sort"],
    "/api/v1/experts": ["q", "country", "field"],
    "/api/v1/agreements": ["q", "country", "field", "kind", "status"],
    "/api/v1/labs": ["q", "country", "field"],
    "/api/v1/centres": ["q", "country", "field"],
    "/api/v1/projects": ["q", "country", "field"],
    "/api/v1/search": ["q", "type"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
def test_a_page_number_past_any_table_is_a_422(reference: Any, client: Any, path: str) -> None:
    for page in (2**63, 2**64 + 1, 10**30):
        response = client.get(path, {"page": page})
        assert response.status_code == 422, (path, page, response.content)
        assert response.json()["code"] == "invalid"
    assert client.get(path, {"page": 1_000_000}).json()["items"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name"), [(p, n) for p, names in FILTERS.items() for n in names])
def test_a_nul_byte_in_a_query_parameter_is_a_400(reference: Any, client: Any, path: str, name: str) -> None:
    response = client.get(path, {name: "soil\x00water"})
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/organisations/", "/en/experts/", "/en/cooperation/labs/", "/en/search/"])
def test_a_nul_byte_on_a_page_is_a_400(reference: Any, client: Any, path: str) -> None:
    assert client.get(path, {"q": "a\x00b"}).status_code == 400
    assert client.get("/api/v1/countries/K%00E").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "1700000000", "2020-01-01T00:00:00", "2020-01-01T10:00:00", "2020-13-01"])
def test_as_of_must_be_a_day(reference: Any, client: Any, value: str) -> None:
    from silkbridge.cooperation.models import Agreement

    agreement = Agreement.objects.create(titles={"en": "A"})
    for path in ("/api/v1/agreements", f"/api/v1/agreements/{agreement.pk}", "/api/v1/labs", "/api/v1/indicators/gaps"):
        response = client.get(path, {"as_of": value})
        assert response.status_code == 422, (path, value)
    assert client.get("/api/v1/agreements", {"as_of": "2020-01-01"}).json()["count"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["keywords", "languages"])
def test_null_lists_in_an_expert_patch_clear_them(reference: Any, key: str) -> None:
    owner = UserFactory()
    expert = ExpertFactory(user=owner, languages=["en"])
    response = client_for(None).patch(
        f"/api/v1/experts/{expert.pk}", json.dumps({key: None}), content_type="application/json", **api_headers(owner)
    )
    assert response.status_code == 200, response.content
    assert response.json()[key] == []


@pytest.mark.django_db
def test_text_that_cannot_be_stored_is_a_400_and_changes_nothing(reference: Any) -> None:
    owner = UserFactory()
    expert = ExpertFactory(user=owner)
    headers = api_headers(owner)
    for body in ('{"name": "\\ud800"}', '{"bio": "a\\u0000b"}', '{"name": ', "\xff"):
        response = client_for(None).patch(
            f"/api/v1/experts/{expert.pk}", body, content_type="application/json", **headers
        )
        assert response.status_code == 400, body
        assert response.json()["code"] == "bad_request"
    assert Expert.objects.get(pk=expert.pk).name == expert.name


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_413(reference: Any) -> None:
    owner = UserFactory()
    expert = ExpertFactory(user=owner)
    body = json.dumps({"bio": "x" * (3 * 1024 * 1024)})
    response = client_for(None).patch(
        f"/api/v1/experts/{expert.pk}", body, content_type="application/json", **api_headers(owner)
    )
    assert response.status_code == 413 and response.json()["code"] == "too_large"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/agreements", "/api/v1/labs", "/api/v1/organisations", "/api/v1/experts"])
def test_a_500_word_query_is_refused_not_run(reference: Any, client: Any, path: str) -> None:
    words = " ".join(f"w{n}" for n in range(500))
    assert client.get(path, {"q": words}).status_code == 422
    assert client.get(path, {"q": " ".join("ab" for _n in range(66))}).status_code == 200  # 200 characters


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/cooperation/agreements/", "/en/organisations/", "/en/experts/"])
def test_a_500_word_query_on_a_page_is_no_error(reference: Any, client: Any, path: str) -> None:
    assert client.get(path, {"q": " ".join(f"w{n}" for n in range(500))}).status_code == 200


@pytest.mark.django_db
def test_a_line_break_in_the_senders_name_does_not_break_the_contact_mail(reference: Any) -> None:
    sender = UserFactory(display_name="Eve\r\nBcc: victim@example.org")
    expert = ExpertFactory(visibility="public")
    response = client_for(sender).post(f"/en/experts/{expert.pk}/contact/", {"message": "Hello, shall we talk?"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject and "\r" not in mail.outbox[0].subject
    assert mail.outbox[0].to == [expert.email] and not mail.outbox[0].bcc


@pytest.mark.django_db(transaction=True)
def test_the_contact_limit_holds_under_concurrency(reference: Any) -> None:
    from silkbridge.registry import domain

    sender = UserFactory()
    expert = ExpertFactory()
    sent, refused, errors = [], [], []

    def send() -> None:
        try:
            for _attempt in range(200):
                try:
                    domain.contact_expert(expert, sender=sender, message="hi")
                    sent.append(1)
                    return
                except OperationalError as exc:  # the in-memory SQLite test database has no busy timeout
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
        except domain.TooManyMessages:
            refused.append(1)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(sent) == domain.MESSAGES_PER_DAY
    assert AuditEntry.objects.filter(action="contact", actor=sender).count() == domain.MESSAGES_PER_DAY


@pytest.mark.django_db
def test_the_public_history_never_shows_an_email_address(roles: dict[str, Any], org: Any) -> None:
    admin = User.objects.create_superuser("root@private.example", "a-long-passphrase-1")
    client_for(admin).post(f"/en/organisations/{org.pk}/edit/", {"name": "Renamed Institute", "kind": "education"})
    html = client_for(None).get(f"/en/organisations/{org.pk}/history/").content.decode()
    assert "Renamed Institute" in html and "root@private.example" not in html
    assert f"Member {admin.pk}" in html
    from silkbridge.accounts.enums import MembershipRole
    from silkbridge.accounts.models import Membership

    Membership.objects.create(user=admin, organisation=org, role=MembershipRole.MEMBER)
    member_view = client_for(roles["member"])
    assert "root@private.example" not in member_view.get(f"/en/organisations/{org.pk}/").content.decode()
    assert "root@private.example" not in json.dumps(
        client_for(None).get(f"/api/v1/organisations/{org.pk}", **api_headers(roles["member"])).json()
    )


@pytest.mark.django_db
def test_api_responses_say_they_depend_on_the_token(reference: Any, roles: dict[str, Any], org: Any) -> None:
    anonymous = client_for(None).get(f"/api/v1/organisations/{org.pk}")
    assert "Authorization" in anonymous["Vary"]
    signed = client_for(None).get(f"/api/v1/organisations/{org.pk}", **api_headers(roles["editor"]))
    assert "Authorization" in signed["Vary"] and "private" in signed["Cache-Control"]
    assert "Authorization" in client_for(None).get("/api/v1/organisations")["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["//evil.example", "//evil.example/en/x", "/\\evil.example", "///evil.example"])
def test_language_links_on_a_404_page_stay_on_the_site(reference: Any, client: Any, path: str) -> None:
    import re

    response = client.get("/unused/", PATH_INFO=path)  # the raw path, as a browser may send it
    assert response.status_code == 404
    links = re.findall(r'<a href="([^"]*)" lang="[^"]+" hreflang=', response.content.decode())
    assert len(links) == 6
    for link in links:
        assert link.startswith("/") and link[1:2] not in ("/", "\\"), link


def test_the_csv_formula_guard_covers_tab_and_line_breaks() -> None:
    from silkbridge.api.opendata import neutralise

    for text in ("\t=1+1", "\r=1+1", "\n=1+1", "=1+1", "+1", "-1", "@SUM(A1)"):
        assert neutralise(text).startswith("'"), repr(text)
    assert neutralise("Nairobi") == "Nairobi"


@pytest.mark.django_db
def test_a_png_named_pdf_is_stored_and_served_as_a_png(roles: dict[str, Any], org: Any, settings: Any) -> None:
    from tests.registry.test_views import png_bytes

    upload = SimpleUploadedFile("report.pdf", png_bytes(), content_type="application/pdf")
    client_for(roles["editor"]).post(
        f"/en/organisations/{org.pk}/edit/", {"name": org.name, "kind": "education", "logo": upload}
    )
    org.refresh_from_db()
    assert org.logo.name.endswith(".png")
    from django.test import RequestFactory
    from django.views.static import serve

    served = serve(RequestFactory().get(org.logo.url), org.logo.name, document_root=settings.MEDIA_ROOT)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
