import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from silkbridge.core.models import AuditEntry
from silkbridge.registry.models import Expert, Organisation
from tests.conftest import client_for
from tests.factories import OrganisationFactory


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_home_shows_figures_computed_from_the_database(reference: Any, client: Any) -> None:
    OrganisationFactory.create_batch(3)
    html = client.get("/en/").content.decode()
    assert "<strong>249</strong> countries" in html
    assert "<strong>3</strong> organisations" in html


@pytest.mark.django_db
def test_organisation_list_filters_by_country_type_and_field(reference: Any, client: Any) -> None:
    kenyan = OrganisationFactory(name="Kenya Soil Institute", country_id="KE", kind="facility")
    kenyan.fields.set(["4.1"])
    OrganisationFactory(name="Kenya Bank", country_id="KE", kind="company")
    OrganisationFactory(name="Chinese Soil Institute", country_id="CN", kind="facility")
    html = client.get("/en/organisations/", {"country": "KE", "kind": "facility"}).content.decode()
    assert "Kenya Soil Institute" in html and "Kenya Bank" not in html and "Chinese Soil" not in html
    by_broad_field = client.get("/en/organisations/", {"field": "4"}).content.decode()
    assert "Kenya Soil Institute" in by_broad_field and "Chinese Soil" not in by_broad_field


@pytest.mark.django_db
def test_organisation_list_sorts_and_paginates(reference: Any, client: Any) -> None:
    for n in range(30):
        OrganisationFactory(name=f"Org {n:02d}", established=1900 + n)
    first = client.get("/en/organisations/", {"sort": "-name"}).content.decode()
    assert first.index("Org 29") < first.index("Org 28")
    assert "Page 1 of 2" in first and "Org 04" not in first
    second = client.get("/en/organisations/", {"sort": "-name", "page": 2}).content.decode()
    assert "Org 04" in second and "Org 29" not in second


@pytest.mark.django_db
def test_empty_search_says_so(reference: Any, client: Any) -> None:
    html = client.get("/en/organisations/", {"q": "zzzz-nothing"}).content.decode()
    assert "No organisations match." in html


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_organisation_list_queries_do_not_grow_with_rows(
    count: int, reference: Any, client: Any, django_assert_num_queries: Any
) -> None:
    OrganisationFactory.create_batch(count, country_id="FR")
    with django_assert_num_queries(5):  # count, page ids, page rows, country and field choices
        response = client.get("/en/organisations/", {"q": "institute"})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_expert_list_queries_do_not_grow_with_rows(
    count: int, reference: Any, client: Any, django_assert_num_queries: Any
) -> None:
    org = OrganisationFactory()
    for n in range(count):
        Expert.objects.create(name=f"Expert {n}", keywords=["x"]).affiliations.set([org])
    with django_assert_num_queries(5):  # count, page ids, page rows, affiliations, fields
        response = client.get("/en/experts/")
    assert response.status_code == 200
    assert response.content.decode().count("Expert ") >= count


@pytest.mark.django_db
def test_editor_edit_is_saved_and_audited_with_who_and_what(roles: dict[str, Any], org: Organisation) -> None:
    client = client_for(roles["editor"])
    response = client.post(
        f"/en/organisations/{org.pk}/edit/",
        {"name": org.name, "kind": "facility", "country": "KE", "city": "Kisumu", "website": "example.org"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.city, org.kind, org.website) == ("Kisumu", "facility", "https://example.org")
    entry = AuditEntry.objects.get(action="update", object_id=str(org.pk))
    assert entry.actor == roles["editor"]
    assert entry.changes["city"] == ["Nairobi", "Kisumu"]
    history = client_for(None).get(f"/en/organisations/{org.pk}/history/").content.decode()
    assert "Kisumu" in history and str(roles["editor"]) in history


@pytest.mark.django_db
def test_bad_edit_shows_errors_and_changes_nothing(roles: dict[str, Any], org: Organisation) -> None:
    response = client_for(roles["editor"]).post(
        f"/en/organisations/{org.pk}/edit/", {"name": "", "kind": "nonsense", "established": "year"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    org.refresh_from_db()
    assert org.name.startswith("Institute of Test Studies")
    assert not AuditEntry.objects.filter(action="update").exists()


@pytest.mark.django_db
def test_contact_email_changes_do_not_leak_into_the_public_history(roles: dict[str, Any], org: Organisation) -> None:
    client_for(roles["editor"]).post(
        f"/en/organisations/{org.pk}/edit/",
        {"name": org.name, "kind": "education", "contact_email": "new@secret.example"},
    )
    assert "new@secret.example" not in client_for(None).get(f"/en/organisations/{org.pk}/history/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (SimpleUploadedFile("logo.png", b"not an image", content_type="image/png"), "Upload a valid image"),
        (SimpleUploadedFile("logo.gif", b"GIF89a" + b"\0" * 100, content_type="image/gif"), "Upload a valid image"),
        (
            SimpleUploadedFile("big.png", png_bytes((2000, 2000)) + b"\0" * 600_000, content_type="image/png"),
            "too large",
        ),
    ],
)
def test_logo_upload_is_limited_in_type_and_size(
    roles: dict[str, Any], org: Organisation, upload: Any, error: str
) -> None:
    response = client_for(roles["editor"]).post(
        f"/en/organisations/{org.pk}/edit/", {"name": org.name, "kind": "education", "logo": upload}
    )
    assert error in response.content.decode()
    org.refresh_from_db()
    assert not org.logo


@pytest.mark.django_db
def test_valid_logo_is_stored(roles: dict[str, Any], org: Organisation) -> None:
    upload = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    client_for(roles["editor"]).post(
        f"/en/organisations/{org.pk}/edit/", {"name": org.name, "kind": "education", "logo": upload}
    )
    org.refresh_from_db()
    assert org.logo.name.startswith("logos/")


@pytest.mark.django_db
def test_staff_delete_removes_the_organisation_and_records_it(roles: dict[str, Any], org: Organisation) -> None:
    response = client_for(roles["staff"]).post(f"/en/organisations/{org.pk}/delete/")
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=org.pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(org.pk), actor=roles["staff"]).exists()


@pytest.mark.django_db
def test_member_creates_own_expert_profile_with_affiliation_by_name(roles: dict[str, Any], org: Organisation) -> None:
    user = roles["member"]
    response = client_for(user).post(
        "/en/experts/new/",
        {"name": "Amina Test", "country": "KE", "fields": ["4.1"], "keywords_text": "irrigation, soil",
         "languages_text": "en, sw", "affiliations_text": org.name, "email": "amina@example.org",
         "visibility": "members"},
    )  # fmt: skip
    assert response.status_code == 302
    expert = Expert.objects.get(user=user)
    assert expert.keywords == ["irrigation", "soil"] and expert.languages == ["en", "sw"]
    assert list(expert.affiliations.all()) == [org]


@pytest.mark.django_db
def test_expert_form_rejects_unknown_organisation_and_language(roles: dict[str, Any], reference: Any) -> None:
    response = client_for(roles["member"]).post(
        "/en/experts/new/",
        {"name": "A", "languages_text": "xx", "affiliations_text": "No Such Org", "visibility": "public"},
    )
    html = response.content.decode()
    assert "Unknown language code: xx." in html and "No organisation is called" in html
    assert not Expert.objects.exists()


@pytest.mark.django_db
def test_contacting_an_expert_sends_mail_without_revealing_the_address(roles: dict[str, Any], mailoutbox: Any) -> None:
    expert = Expert.objects.create(name="Li Test", email="li@private.example", languages=["zh"], visibility="public")
    sender = roles["member"]
    page = client_for(sender).post(
        f"/en/experts/{expert.pk}/contact/", {"message": "We would like to discuss irrigation trials."}, follow=True
    )
    assert "li@private.example" not in page.content.decode()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["li@private.example"] and mail.reply_to == [sender.email]
    assert "irrigation trials" in mail.body
    assert "Silkbridge" in mail.subject


@pytest.mark.django_db
def test_anonymous_cannot_contact_an_expert(reference: Any, mailoutbox: Any) -> None:
    expert = Expert.objects.create(name="Li Test", email="li@private.example", visibility="public")
    response = client_for(None).post(f"/en/experts/{expert.pk}/contact/", {"message": "x" * 30})
    assert response.status_code == 302 and not mailoutbox


@pytest.mark.django_db
def test_country_page_lists_its_organisations_and_shows_demo_partner_status(reference: Any, client: Any) -> None:
    from silkbridge.registry.models import Country

    Country.objects.filter(code="KE").update(is_partner=True, partner_is_demo=True)
    OrganisationFactory(name="Kenyan Org", country_id="KE")
    OrganisationFactory(name="French Org", country_id="FR")
    html = client.get("/fr/countries/KE/").content.decode()
    assert "Kenya" in html and "Kenyan Org" in html and "French Org" not in html
    assert "demo" in html.lower()


@pytest.mark.django_db
def test_country_names_follow_the_page_language(reference: Any, client: Any) -> None:
    assert "中国" in client.get("/zh-hans/countries/").content.decode()
    assert "Allemagne" in client.get("/fr/countries/").content.decode()
    assert "ألمانيا" in client.get("/ar/countries/").content.decode()


@pytest.mark.django_db
def test_field_names_follow_the_page_language(reference: Any, client: Any) -> None:
    assert "农业、林业和渔业" in client.get("/zh-hans/fields/").content.decode()
    assert "Сельское, лесное и рыбное хозяйство" in client.get("/ru/fields/").content.decode()


@pytest.mark.django_db
def test_unknown_pages_are_404_in_the_visitors_language(reference: Any, client: Any) -> None:
    response = client.get("/fr/organisations/999999/")
    assert response.status_code == 404
    assert 'lang="fr"' in response.content.decode()


@pytest.mark.django_db
def test_contact_form_is_limited_per_day(roles: dict[str, Any], mailoutbox: Any) -> None:
    expert = Expert.objects.create(name="Li Test", email="li@private.example", visibility="public")
    client = client_for(roles["member"])
    for _n in range(10):
        client.post(f"/en/experts/{expert.pk}/contact/", {"message": "We would like to discuss irrigation trials."})
    refused = client.post(
        f"/en/experts/{expert.pk}/contact/", {"message": "We would like to discuss irrigation trials."}
    )
    assert "the most messages allowed in one day" in refused.content.decode()
    assert len(mailoutbox) == 10


@pytest.mark.django_db
def test_home_shows_cooperation_in_force_today(reference: Any, client: Any) -> None:
    from datetime import date

    from silkbridge.cooperation.models import Agreement

    Agreement.objects.create(kind="mou", titles={"en": "A"}, in_force_from=date(2020, 1, 1))
    Agreement.objects.create(
        kind="mou", titles={"en": "B"}, in_force_from=date(2020, 1, 1), expires_on=date(2021, 1, 1)
    )
    html = client.get("/en/").content.decode()
    assert "<strong>1</strong> agreements in force" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "edited"), [("en", "edited"), ("ar", "عُدّلت"), ("ru", "изменено")])
def test_the_history_names_each_action_in_the_readers_language(
    roles: dict[str, Any], org: Organisation, language: str, edited: str
) -> None:
    client_for(roles["editor"]).post(
        f"/en/organisations/{org.pk}/edit/", {"name": org.name, "kind": "facility", "country": "KE", "city": "Kisumu"}
    )
    history = client_for(None).get(f"/{language}/organisations/{org.pk}/history/").content.decode()
    assert f"<td>{edited}</td>" in history and "<td>update</td>" not in history


@pytest.mark.django_db
def test_an_organisation_in_cooperation_records_is_not_deleted_and_the_refusal_is_clear(
    roles: dict[str, Any], org: Organisation
) -> None:
    from silkbridge.accounts.domain import create_api_token
    from tests.factories import JointLabFactory

    JointLabFactory(partners=[org])
    staff = client_for(roles["staff"])
    page = staff.post(f"/en/organisations/{org.pk}/delete/", follow=True)
    assert "cannot be deleted; merge it into another one instead" in page.content.decode()
    _token, key = create_api_token(user=roles["staff"], name="t")
    answer = staff.delete(f"/api/v1/organisations/{org.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 422 and "merge it into another one" in answer.json()["details"]["__all__"][0]
    assert Organisation.objects.filter(pk=org.pk).exists()
    assert not AuditEntry.objects.filter(action="delete", object_id=str(org.pk)).exists()
