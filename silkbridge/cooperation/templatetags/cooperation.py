"""Template filters of the cooperation pages."""

import re
from urllib.parse import quote

from django import template

register = template.Library()

DOI = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)


@register.filter
def identifier_url(identifier: str) -> str:
    """Where an output's identifier leads: a DOI to doi.org, a web address to itself; "" for
    anything else (a patent number is shown as text)."""
    text = (identifier or "").strip()
    match = DOI.match(text)
    if match:
        return "https://doi.org/" + quote(match.group(1), safe="/:;()._-")
    return text if text.startswith(("https://", "http://")) else ""
