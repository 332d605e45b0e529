"""Findable open data: sitemap.xml with hreflang, robots.txt, Atom feeds, OpenGraph tags."""

import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

import pytest

from silkbridge.cooperation.models import Agreement, JointLab, Project
from silkbridge.registry.models import Expert
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
ATOM = {"a": "http://www.w3.org/2005/Atom"}
LANGUAGES = {"ar", "en", "es", "fr", "ru", "zh-hans"}


def xml(response: Any) -> ET.Element:
    assert response.status_code == 200, response.content[:300]
    # Our own server's answer, not untrusted input.
    return ET.fromstring(response.content)  # noqa: S314


def section_urls(client: Any, section: str) -> dict[str, ET.Element]:
    root = xml(client.get(f"/sitemap-{section}.xml"))
    return {url.findtext("s:loc", namespaces=NS): url for url in root.findall("s:url", NS)}


def test_the_sitemap_index_lists_a_section_per_record_kind(reference: Any, client: Any) -> None:
    root = xml(client.get("/sitemap.xml"))
    locations = {e.text for e in root.findall("s:sitemap/s:loc", NS)}
    for section in ("pages", "countries", "organisations", "experts", "events", "agreements", "labs", "projects"):
        assert f"http://testserver/sitemap-{section}.xml" in locations


def test_every_public_record_is_in_the_sitemap_in_six_languages_with_hreflang(reference: Any, client: Any) -> None:
    org = OrganisationFactory()
    public = Expert.objects.create(name="Public Expert", visibility="public")
    hidden = Expert.objects.create(name="Hidden Expert", visibility="hidden")
    lab = JointLab.objects.create(names={"en": "Soil lab"})
    urls = section_urls(client, "organisations")
    assert {f"http://testserver/{lang}/organisations/{org.pk}/" for lang in LANGUAGES} <= set(urls)
    entry = urls[f"http://testserver/fr/organisations/{org.pk}/"]
    alternates = {link.get("hreflang"): link.get("href") for link in entry.findall("x:link", NS)}
    assert set(alternates) == LANGUAGES | {"x-default"}
    assert alternates["zh-hans"] == f"http://testserver/zh-hans/organisations/{org.pk}/"
    assert entry.findtext("s:lastmod", namespaces=NS) == org.updated_at.date().isoformat()
    experts = set(section_urls(client, "experts"))
    assert f"http://testserver/en/experts/{public.pk}/" in experts
    assert not [u for u in experts if f"/experts/{hidden.pk}/" in u]
    assert f"http://testserver/ar/cooperation/labs/{lab.pk}/" in section_urls(client, "labs")
    assert len(section_urls(client, "countries")) == 249 * 6


def test_the_sitemap_costs_a_constant_number_of_queries(
    reference: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    OrganisationFactory.create_batch(30)
    with django_assert_max_num_queries(3):
        assert client.get("/sitemap-organisations.xml").status_code == 200


def test_robots_txt_allows_public_pages_and_points_at_the_sitemap(client: Any) -> None:
    text = client.get("/robots.txt").content.decode()
    assert "User-agent: *\nAllow: /\n" in text
    assert "Disallow: /*/accounts/" in text and "Disallow: /*/admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


@pytest.mark.parametrize("kind", ["agreements", "labs", "centres", "projects"])
def test_each_atom_feed_is_valid_and_lists_new_records_first(reference: Any, client: Any, kind: str) -> None:
    root = xml(client.get(f"/en/feeds/{kind}.atom"))
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.findtext("a:title", namespaces=ATOM)


def test_the_projects_feed_gives_title_link_and_summary_in_the_feeds_language(reference: Any, client: Any) -> None:
    Project.objects.create(title="Old project", abstract="First.")
    Project.objects.create(title="Drip irrigation in Kazakhstan", abstract="Water for cotton.", start_on=date.today())
    root = xml(client.get("/fr/feeds/projects.atom"))
    entries = root.findall("a:entry", ATOM)
    assert [e.findtext("a:title", namespaces=ATOM) for e in entries] == ["Drip irrigation in Kazakhstan", "Old project"]
    assert entries[0].find("a:link", ATOM).get("href").startswith("http://testserver/fr/cooperation/projects/")
    assert entries[0].findtext("a:summary", namespaces=ATOM) == "Water for cotton."
    assert root.findtext("a:title", namespaces=ATOM) != xml(client.get("/en/feeds/projects.atom")).findtext(
        "a:title", namespaces=ATOM
    )


def test_an_unknown_feed_is_404(client: Any) -> None:
    assert client.get("/en/feeds/outputs.atom").status_code == 404


def test_record_pages_carry_opengraph_tags(reference: Any, client: Any) -> None:
    org = OrganisationFactory(name="Kenya Soil Institute", description="Soils of East Africa.")
    html = client.get(f"/en/organisations/{org.pk}/").content.decode()
    assert '<meta property="og:title" content="Kenya Soil Institute">' in html
    assert '<meta property="og:description" content="Soils of East Africa.">' in html
    assert f'<meta property="og:url" content="http://testserver/en/organisations/{org.pk}/">' in html
    agreement = Agreement.objects.create(titles={"en": "Agreement on S&T"}, kind="intergovernmental")
    html = client.get(f"/en/cooperation/agreements/{agreement.pk}/").content.decode()
    assert '<meta property="og:title" content="Agreement on S&amp;T">' in html
    assert '<meta property="og:type" content="article">' in html


def test_every_page_links_the_feeds_and_the_feeds_page_lists_them(client: Any) -> None:
    html = client.get("/es/feeds/").content.decode()
    assert 'type="application/atom+xml"' in html
    for kind in ("agreements", "labs", "centres", "projects"):
        assert f'href="/es/feeds/{kind}.atom"' in html


def test_public_events_are_in_the_sitemap_and_unlisted_ones_are_not(reference: Any, client: Any) -> None:
    from silkbridge.events.models import Event

    common = {"starts_on": date(2026, 11, 10), "ends_on": date(2026, 11, 11), "time_zone": "UTC"}
    Event.objects.create(slug="expo", titles={"en": "Expo"}, **common)
    Event.objects.create(slug="closed-meeting", titles={"en": "Closed"}, is_public=False, **common)
    urls = set(section_urls(client, "events"))
    assert "http://testserver/ru/events/expo/" in urls
    assert not [u for u in urls if "closed-meeting" in u]
