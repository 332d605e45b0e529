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
            "url": _local(translate_url(path, code), code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
    return {"site_languages": languages, "text_direction": "rtl" if get_language_bidi() else "ltr"}


def _local(url: str, code: str) -> str:
    """A link on this site only: a path that another host could be read from ("//evil.example",
    "/\\evil.example", or a full URL, as an unknown path on a 404 page may be) becomes the
    language's home page."""
    if not url.startswith("/") or url[1:2] in ("/", "\\") or "\x00" in url:
        return f"/{code}/"
    return url
