from typing import Any

import pytest

from silkbridge.accounts.models import Membership
from silkbridge.core.models import AuditEntry
from silkbridge.registry import identity
from silkbridge.registry.models import Expert, Organisation, OrganisationRedirect
from tests.conftest import client_for
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def twins(reference: Any) -> tuple[Organisation, Organisation]:
    keep = OrganisationFactory(name="Kenya Soil Institute", country_id="KE", city="Nairobi", ror_id="01aaaaa00",
                               aliases=["KSI Nairobi"], website="https://ksi.example.org")  # fmt: skip
    dupe = OrganisationFactory(name="Kenya Soil Institute", country_id="KE", city="Nairobi", ror_id="02bbbbb11",
                               names={"sw": "Taasisi ya Udongo Kenya"}, acronyms=["KSI"],
                               website="http://www.ksi.example.org/")  # fmt: skip
    keep.fields.set(["4.1"])
    dupe.fields.set(["4.5"])
    return keep, dupe


def duplicate_group(ids: tuple[int, ...]) -> identity.DuplicateGroup | None:
    """One group as the duplicates page shows it (None when fewer than two are left)."""
    found = identity.duplicate_groups([ids])
    return found[0] if found else None


def affiliated_experts(keep: Organisation, dupe: Organisation) -> tuple[Expert, Expert]:
    """One expert of the duplicate only, one of both."""
    expert = Expert.objects.create(name="Wambui")
    expert.affiliations.set([dupe])
    both = Expert.objects.create(name="Otieno")
    both.affiliations.set([keep, dupe])
    return expert, both


@pytest.mark.django_db
def test_likely_duplicates_are_listed_with_evidence(twins: Any, roles: dict[str, Any]) -> None:
    html = client_for(roles["moderator"]).get("/en/organisations/duplicates/").content.decode()
    keep, dupe = twins
    assert "Kenya Soil Institute" in html and f"#{keep.pk}" in html and f"#{dupe.pk}" in html
    group = duplicate_group(next(iter(identity.likely_duplicates())))
    assert group.evidence == ["same name", "same country", "same city", "same website"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("member", 403), ("editor", 403), ("other_editor", 403), ("moderator", 200), ("staff", 200)]
)
def test_only_moderators_and_staff_find_and_merge_duplicates(
    twins: Any, roles: dict[str, Any], role: str, status: int
) -> None:
    keep, dupe = twins
    client = client_for(roles[role])
    assert client.get("/en/organisations/duplicates/").status_code == status
    response = client.post(f"/en/organisations/{keep.pk}/merge/{dupe.pk}/")
    assert response.status_code == (302 if status == 200 else 403)
    assert Organisation.objects.filter(pk=dupe.pk).exists() is (status != 200)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(twins: Any) -> None:
    keep, dupe = twins
    assert client_for(None).post(f"/en/organisations/{keep.pk}/merge/{dupe.pk}/").status_code == 302
    assert Organisation.objects.filter(pk=dupe.pk).exists()


@pytest.mark.django_db
def test_merge_moves_every_reference_and_keeps_names_and_ids(twins: Any, roles: dict[str, Any]) -> None:
    keep, dupe = twins
    expert, both = affiliated_experts(keep, dupe)
    member, editor = UserFactory(), UserFactory()
    Membership.objects.create(user=member, organisation=dupe, role="member")
    Membership.objects.create(user=editor, organisation=dupe, role="editor")
    Membership.objects.create(user=editor, organisation=keep, role="member")
    dupe_pk = dupe.pk

    identity.merge_organisations(keep, dupe, actor=roles["moderator"])

    keep.refresh_from_db()
    assert not Organisation.objects.filter(pk=dupe_pk).exists()
    assert list(expert.affiliations.all()) == [keep] and list(both.affiliations.all()) == [keep]
    assert Membership.objects.get(user=member, organisation=keep).role == "member"
    assert Membership.objects.get(user=editor, organisation=keep).role == "editor"
    assert "Taasisi ya Udongo Kenya" in keep.aliases and keep.acronyms == ["KSI"]
    assert keep.former_ror_ids == ["02bbbbb11"]
    assert set(keep.fields.values_list("code", flat=True)) == {"4.1", "4.5"}
    assert OrganisationRedirect.objects.get(old_id=dupe_pk).organisation == keep
    entry = AuditEntry.objects.get(action="merge")
    assert entry.actor == roles["moderator"] and entry.changes["merged"] == [dupe_pk, keep.pk]
    # the old address and a search by the merged record's other name lead to the survivor
    response = client_for(None).get(f"/en/organisations/{dupe_pk}/")
    assert response.status_code == 301 and response["Location"].endswith(f"/en/organisations/{keep.pk}/")
    assert "Kenya Soil Institute" in client_for(None).get("/en/organisations/", {"q": "taasisi"}).content.decode()


@pytest.mark.django_db
def test_a_merge_can_be_undone_from_the_history(twins: Any, roles: dict[str, Any]) -> None:
    keep, dupe = twins
    expert, both = affiliated_experts(keep, dupe)
    editor = UserFactory()
    Membership.objects.create(user=editor, organisation=dupe, role="editor")
    Membership.objects.create(user=editor, organisation=keep, role="member")
    dupe_pk, before = dupe.pk, Organisation.objects.filter(pk=dupe.pk).values().get()
    identity.merge_organisations(keep, dupe, actor=roles["moderator"])
    entry = AuditEntry.objects.get(action="merge")

    client = client_for(roles["moderator"])
    history = client.get(f"/en/organisations/{keep.pk}/history/").content.decode()
    assert "Undo this merge" in history and "contact" not in history.lower()
    response = client.post(f"/en/organisations/merges/{entry.pk}/undo/")
    assert response.status_code == 302

    restored = Organisation.objects.filter(pk=dupe_pk).values().get()
    assert {k: v for k, v in restored.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    keep.refresh_from_db()
    assert keep.aliases == ["KSI Nairobi"] and keep.former_ror_ids == [] and keep.acronyms == []
    assert list(keep.fields.values_list("code", flat=True)) == ["4.1"]
    assert [o.pk for o in expert.affiliations.all()] == [dupe_pk]
    assert sorted(o.pk for o in both.affiliations.all()) == sorted([keep.pk, dupe_pk])
    assert Membership.objects.get(user=editor, organisation_id=dupe_pk).role == "editor"
    assert Membership.objects.get(user=editor, organisation=keep).role == "member"
    assert not OrganisationRedirect.objects.filter(old_id=dupe_pk).exists()
    # a second undo is refused and changes nothing
    again = client.post(f"/en/organisations/merges/{entry.pk}/undo/", follow=True)
    assert "already undone" in again.content.decode()
    assert Organisation.objects.filter(pk=dupe_pk).count() == 1


@pytest.mark.django_db
def test_expert_form_suggests_the_organisation_the_matcher_finds(reference: Any, roles: dict[str, Any]) -> None:
    OrganisationFactory(name="University of Verona", country_id="IT", city="Verona", ror_id="039bp8j42")
    response = client_for(roles["member"]).post(
        "/en/experts/new/",
        {"name": "A", "visibility": "public", "affiliations_text": "Dept. of Physics, Univ. of Verona"},
    )
    assert "Did you mean “University of Verona” (039bp8j42)?" in response.content.decode()
    assert not Expert.objects.exists()


@pytest.mark.django_db
def test_merge_moves_cooperation_records_and_undo_puts_them_back(twins: Any, roles: dict[str, Any]) -> None:
    from silkbridge.cooperation.models import Agreement, AgreementParty, JointLab, Partnership, Project

    keep, dupe = twins
    shared, own = Project.objects.create(title="Shared"), Project.objects.create(title="Own")
    lab = JointLab.objects.create(names={"en": "Joint Soil Lab"})
    agreement = Agreement.objects.create(kind="mou", titles={"en": "MoU"})
    Partnership.objects.create(organisation=keep, project=shared)
    in_shared = Partnership.objects.create(organisation=dupe, project=shared, role="coordinator")
    in_own = Partnership.objects.create(organisation=dupe, project=own)
    in_lab = Partnership.objects.create(organisation=dupe, lab=lab)
    party = AgreementParty.objects.create(agreement=agreement, organisation=dupe)
    before = sorted(Partnership.objects.values_list("id", "organisation_id", "role", "project_id", "lab_id"))
    dupe_pk = dupe.pk

    identity.merge_organisations(keep, dupe, actor=roles["moderator"])
    assert set(Partnership.objects.filter(project=shared).values_list("organisation_id", flat=True)) == {keep.pk}
    assert Partnership.objects.filter(project=shared).count() == 1  # not counted twice
    assert Partnership.objects.get(pk=in_own.pk).organisation_id == keep.pk
    assert Partnership.objects.get(pk=in_lab.pk).organisation_id == keep.pk
    assert AgreementParty.objects.get(pk=party.pk).organisation_id == keep.pk

    identity.undo_merge(AuditEntry.objects.get(action="merge"), actor=roles["moderator"])
    after = sorted(Partnership.objects.values_list("id", "organisation_id", "role", "project_id", "lab_id"))
    assert after == before and Partnership.objects.get(pk=in_shared.pk).role == "coordinator"
    assert AgreementParty.objects.get(pk=party.pk).organisation_id == dupe_pk


@pytest.mark.django_db
def test_merge_moves_the_organisation_people_gave_at_sign_up(twins: Any, roles: dict[str, Any]) -> None:
    keep, dupe = twins
    person = UserFactory(organisation=dupe)
    dupe_pk = dupe.pk
    identity.merge_organisations(keep, dupe, actor=roles["moderator"])
    person.refresh_from_db()
    assert person.organisation_id == keep.pk
    identity.undo_merge(AuditEntry.objects.get(action="merge"), actor=roles["moderator"])
    person.refresh_from_db()
    assert person.organisation_id == dupe_pk


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "its acronym CAU; the city agrees"),
        ("ar", "اختصارها CAU؛ المدينة متطابقة"),
        ("zh-hans", "缩写 CAU；城市一致"),
    ],
)
def test_a_matchs_reasons_are_told_in_the_readers_language(language: str, expected: str) -> None:
    from django.utils import translation

    with translation.override(language):
        assert identity.explain_match("acronym CAU; city agrees") == expected
        assert identity.explain_match("something new") == "something new"  # an unknown reason stays readable


@pytest.mark.django_db
def test_duplicates_are_found_as_the_matcher_reads_names(reference: Any, roles: dict[str, Any]) -> None:
    ror = OrganisationFactory(name="University of Nairobi", country_id="KE", city="Nairobi", ror_id="02y9nww90")
    typed = OrganisationFactory(name="Univ. of Nairobi", country_id="KE", city="Nairobi")
    OrganisationFactory(name="University of Nairobi", country_id="UG", city="Kampala")  # another country
    centre = OrganisationFactory(
        name="Centre International de Hautes Études Agronomiques", country_id="FR", city="Paris"
    )
    english = OrganisationFactory(
        name="International Centre for Advanced Agronomic Studies", country_id="FR", city="Montpellier",
        aliases=["Centre international de hautes etudes agronomiques"],
    )  # fmt: skip
    groups = [duplicate_group(ids) for ids in identity.likely_duplicates()]
    assert [[o.pk for o in g.organisations] for g in groups] == [[ror.pk, typed.pk], [centre.pk, english.pk]]
    assert groups[0].evidence == ["same name", "same country", "same city"]
    assert groups[1].evidence == [
        "a name in common: “Centre International de Hautes Études Agronomiques”",
        "same country",
    ]
    html = client_for(roles["moderator"]).get("/fr/organisations/duplicates/").content.decode()
    assert "Indices : même nom, même pays, même ville" in html
    assert duplicate_group((ror.pk, 10**9)) is None  # a group whose other member is gone
    identity.merge_organisations(ror, typed, actor=None)
    assert [[o.pk for o in duplicate_group(ids).organisations] for ids in identity.likely_duplicates()] == [
        [centre.pk, english.pk]
    ]  # a merge changes the registry: the list is worked out again


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_the_duplicates_page_costs_the_same_queries_for_one_group_or_three(
    reference: Any, roles: dict[str, Any], django_assert_num_queries: Any, count: int
) -> None:
    for n in range(count):
        for city in ("Nairobi", "Mombasa"):
            OrganisationFactory(name=f"Kenya Institute {n}", country_id="KE", city=city)
    client = client_for(roles["moderator"])
    assert client.get("/en/organisations/duplicates/").content.decode().count('class="group"') == count
    with django_assert_num_queries(4):  # session, user, the registry version, the groups' organisations
        html = client.get("/en/organisations/duplicates/").content.decode()
    assert html.count('class="group"') == count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "experts", "expected"),
    [("en", 1, "Its 1 expert affiliation and"), ("en", 2, "Its 2 expert affiliations and"),
     ("ru", 1, "1 привязка эксперта"), ("ru", 2, "2 привязки экспертов"), ("ru", 5, "5 привязок экспертов")],
)  # fmt: skip
def test_the_merge_page_counts_expert_affiliations_in_the_readers_grammar(
    twins: Any, roles: dict[str, Any], language: str, experts: int, expected: str
) -> None:
    keep, dupe = twins
    for n in range(experts):
        Expert.objects.create(name=f"Expert {n}").affiliations.set([dupe])
    html = client_for(roles["moderator"]).get(f"/{language}/organisations/{keep.pk}/merge/{dupe.pk}/").content.decode()
    assert expected in html
    # names keep their own direction inside the sentence (Unicode isolates)
    assert f"\u2068{dupe.name}\u2069" in html and f"\u2068{keep.name}\u2069" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("second", "proposed"),
    [
        ({"ror_id": "02ccccc22", "website": "https://new.example.dk"}, False),  # two ROR records
        ({"ror_id": "02ccccc22", "website": "https://new.example.dk", "status": "withdrawn"}, True),
        ({"ror_id": "02ccccc22", "website": "https://www.carlsberg.example.dk/"}, True),  # one website
        ({"ror_id": None, "website": "https://new.example.dk"}, True),  # one has no ROR id
    ],
)
def test_organisations_of_distinct_ror_records_are_not_proposed_as_duplicates(
    reference: Any, second: dict[str, Any], proposed: bool
) -> None:
    first = OrganisationFactory(name="Carlsberg Foundation", country_id="DK", ror_id="01aaaaa00",
                                website="https://carlsberg.example.dk")  # fmt: skip
    other = OrganisationFactory(name="Carlsberg Foundation", country_id="DK", **second)
    groups = identity.likely_duplicates()
    assert (tuple(sorted([first.pk, other.pk])) in groups) is proposed
    assert len(groups) == int(proposed)
