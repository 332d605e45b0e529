import pytest

from silkbridge.core.translation import pick

NAMES = {"en": "Academy", "zh": "科学院", "ru": "Академия"}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh-hans", "科学院"), ("ru", "Академия"), ("fr", "Academy"), ("en", "Academy")],
)
def test_pick_uses_the_language_its_base_then_english(lang: str, expected: str) -> None:
    assert pick(NAMES, lang) == expected


def test_pick_without_english_falls_back_to_any_language_or_default() -> None:
    assert pick({"ja": "大学"}, "fr") == "大学"
    assert pick({"ja": "大学"}, "fr", default="University", any_language=False) == "University"
    assert pick({}, "fr", default="x") == "x"


def test_pick_without_fallback_keeps_the_default_for_other_languages() -> None:
    assert pick(NAMES, "ar", default="Display name", any_language=False, fallback=None) == "Display name"
    assert pick(NAMES, "zh-hans", default="Display name", any_language=False, fallback=None) == "科学院"
