"""Every string of every page, e-mail and API error is translated in all six languages."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def read_po(path: Path) -> list[dict[str, Any]]:
    """Minimal .po reader: entries with msgid, msgstr(s) and flags (the header excluded)."""
    entries: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current.get("msgid"):
                entries.append(current)
            current, key = {}, ""
        elif line.startswith("#,"):
            current["flags"] = line[2:].strip()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += line[1:-1]
        else:
            key, _sep, value = line.partition(" ")
            current[key] = value[1:-1]
    return entries


@pytest.mark.parametrize("language", ["ar", "es", "fr", "ru", "zh_Hans"])
def test_catalogue_is_complete_and_keeps_placeholders(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    entries = read_po(po)
    assert len(entries) > 200
    for entry in entries:
        assert "fuzzy" not in entry.get("flags", ""), entry["msgid"]
        translations = [v for k, v in entry.items() if k.startswith("msgstr")]
        assert translations and all(translations), f"untranslated in {language}: {entry['msgid']}"
        if "msgid_plural" not in entry:
            assert set(PLACEHOLDER.findall(entry["msgid"])) == set(PLACEHOLDER.findall(entry["msgstr"])), entry["msgid"]
    assert (po.with_suffix(".mo")).stat().st_mtime >= po.stat().st_mtime - 1, "run `make messages`"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction", "heading"),
    [
        ("ar", "rtl", "تعاون علمي وتقني مفتوح بين البلدان"),
        ("en", "ltr", "Open science and technology cooperation between countries"),
        ("es", "ltr", "Cooperación científica y tecnológica abierta entre países"),
        ("fr", "ltr", "Une coopération scientifique et technologique ouverte entre pays"),
        ("ru", "ltr", "Открытое научно-техническое сотрудничество между странами"),
        ("zh-hans", "ltr", "国家间开放的科技合作"),
    ],
)
def test_home_page_in_each_language(reference: Any, client: Any, language: str, direction: str, heading: str) -> None:
    html = client.get(f"/{language}/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert heading in html
    # the switcher links to the same page in every other language
    for other in ("ar", "en", "es", "fr", "ru", "zh-hans"):
        assert f'href="/{other}/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "es", "fr", "ru", "zh-hans"])
def test_no_english_interface_text_leaks_into_other_languages(reference: Any, client: Any, language: str) -> None:
    for path in ("", "organisations/", "experts/", "countries/", "fields/", "accounts/login/", "accounts/signup/"):
        html = client.get(f"/{language}/{path}").content.decode()
        for english in (
            "Search organisations",
            "Countries",
            "Fields of science",
            "Log in",
            "Sign up",
            "Skip to content",
        ):
            assert f">{english}<" not in html, (language, path, english)
