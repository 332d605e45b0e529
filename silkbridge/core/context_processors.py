from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, Resolver404, ResolverMatch, resolve, reverse
from django.utils.translation import get_language, get_language_bidi, get_language_info, override


def site(request: HttpRequest) -> dict[str, Any]:
    """Language switcher links (the same page in every language) and text direction."""
    current = get_language()
    path = request.get_full_path()
    match = _match(request, path)
    languages = [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": _local(_translated(path, match, code), code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
    return {"site_languages": languages, "text_direction": "rtl" if get_language_bidi() else "ltr"}


def _match(request: HttpRequest, path: str) -> ResolverMatch | None:
    """The page's URL pattern, resolved once for the six links (Django's `translate_url`
    resolves it again for each): the request's own match when it has one."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match
    try:
        return resolve(unquote(urlsplit(path).path))
    except Resolver404:
        return None


def _translated(path: str, match: ResolverMatch | None, code: str) -> str:
    """`path` in language `code`, as `django.urls.translate_url` makes it; unchanged when it
    cannot be reversed."""
    if match is None or match.url_name is None:
        return path
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(code):
        try:
            translated = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path
    parsed = urlsplit(path)
    return urlunsplit((parsed.scheme, parsed.netloc, translated, parsed.query, parsed.fragment))


def _local(url: str, code: str) -> str:
    """A link on this site only: a path that another host could be read from ("//evil.example",
    "/\\evil.example", or a full URL, as an unknown path on a 404 page may be) becomes the
    language's home page."""
    if not url.startswith("/") or url[1:2] in ("/", "\\") or "\x00" in url:
        return f"/{code}/"
    return url
