"""Plain text helpers with no Django import (the matching engine's core uses them too)."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free form used for search on every database and in the engine."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
