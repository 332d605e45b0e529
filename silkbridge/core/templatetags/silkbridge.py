from typing import Any

from django import template
from django.http import QueryDict

from silkbridge.core.translation import pick

register = template.Library()


@register.filter
def translated(values: dict[str, str] | None) -> str:
    """{{ org.names|translated }}: the text in the page's language, with fallback."""
    return pick(values)


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination, sorting)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode() if query else "?"


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
