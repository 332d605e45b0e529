"""Per-field translations of record content: a JSON object {language: text}.

One mechanism everywhere: `pick(values, lang)` returns the text in the page's
language, falling back to its base language (zh-hans -> zh), then English,
then any language the record has.
"""

from django.utils.translation import get_language

FALLBACK = "en"


def candidates(lang: str) -> list[str]:
    lang = lang.lower()
    base = lang.split("-")[0]
    return [lang, base] if base != lang else [lang]


def pick(
    values: dict[str, str] | None,
    lang: str | None = None,
    default: str = "",
    any_language: bool = True,
    fallback: str | None = FALLBACK,
) -> str:
    """The text in `lang` (default: the active language), else in `fallback`, else
    `default` or, when `any_language`, the first text the record has."""
    if not values:
        return default
    codes = candidates(lang or get_language() or FALLBACK)
    for code in [*codes, fallback] if fallback else codes:
        if code and values.get(code):
            return values[code]
    if any_language:
        return next((v for v in values.values() if v), default)
    return default
