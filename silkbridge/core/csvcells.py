"""CSV cells that a spreadsheet opens as text: the guard against formula injection that
every CSV export uses (open data, the conference's follow-up answers)."""

import json
from datetime import date, datetime
from typing import Any

# A cell beginning with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> str:
    """A CSV cell: JSON for lists and objects, ISO for dates, and no formula a spreadsheet
    would run (text that begins like one gets a leading apostrophe)."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if isinstance(value, str) and text[:1] in FORMULA_STARTS else text
