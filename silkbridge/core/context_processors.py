from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_bidi, get_language_info


def site(request: HttpRequest) -> dict[str, Any]:
    """Language switcher links (the same page in every language) and text direction."""
    current = get_language()
    path = request.get_full_path()
    languages = [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
    return {"site_languages": languages, "text_direction": "rtl" if get_language_bidi() else "ltr"}
