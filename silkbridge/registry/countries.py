"""Country names in the page's language, from the ISO 3166-1 catalogues pycountry ships."""

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language

# Our language codes -> pycountry's gettext locale names.
_LOCALES = {"ar": "ar", "es": "es", "fr": "fr", "ru": "ru", "zh-hans": "zh_CN"}


@lru_cache(maxsize=8)
def _catalogue(lang: str) -> gettext.NullTranslations:
    locale = _LOCALES.get(lang)
    if locale is None:
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)


def country_name(code: str, name_en: str, lang: str | None = None) -> str:
    return _catalogue(lang or get_language() or "en").gettext(name_en)


def iso_countries() -> list[dict[str, str]]:
    return [
        {"code": c.alpha_2, "alpha3": c.alpha_3, "numeric": c.numeric, "name_en": c.name} for c in pycountry.countries
    ]
