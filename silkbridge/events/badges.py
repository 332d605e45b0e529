"""Badges as a printable PDF: one A6 badge per page, or four A6 badges on each A4 sheet
(cut marks are the page quarters). Each badge carries the participant's name,
organisation, country and category, and a QR code of their badge secret, the code typed
at the check-in desk when the QR will not scan.

The QR is drawn as vector squares straight from segno's matrix (no image step), so it
stays sharp at any print size. Text uses DejaVu Sans (Latin, Cyrillic, Arabic letters) or
WenQuanYi Micro Hei (Chinese) when the system has them, else Helvetica; ReportLab does
not shape Arabic, so Arabic names print letter by letter, unjoined."""

import io
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pycountry
import segno
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from silkbridge.events.models import Event, Registration
from silkbridge.registry.countries import country_name

FONTS = {
    "DejaVu": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "WQY": Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
}


@cache
def _available_fonts() -> frozenset[str]:
    names = set()
    for name, path in FONTS.items():
        if path.exists():
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            names.add(name)
    return frozenset(names)


def _font_for(text: str) -> str:
    fonts = _available_fonts()
    if "WQY" in fonts and any("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\uffef" for ch in text):
        return "WQY"
    if "DejaVu" in fonts:
        return "DejaVu"
    return "Helvetica"


def qr_code(registration: Registration) -> segno.QRCode:
    """The badge's QR code: the secret alone, medium error correction."""
    return segno.make_qr(registration.badge_secret, error="m")


def spaced(secret: str) -> str:
    """The secret as printed under the QR, in groups of four for typing."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _country(code: str) -> str:
    record = pycountry.countries.get(alpha_2=code) if code else None
    return country_name(code, record.name) if record else code


def _text(canvas: Canvas, x: float, y: float, text: str, size: float, width: float) -> None:
    """Centred text at (x, y), shrunk until it fits `width`."""
    font = _font_for(text)
    while size > 6 and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    canvas.setFont(font, size)
    canvas.drawCentredString(x, y, text)


def _draw_qr(canvas: Canvas, code: segno.QRCode, x: float, y: float, size: float) -> None:
    matrix = list(code.matrix_iter(border=0))
    module = size / len(matrix)
    canvas.setFillColorRGB(0, 0, 0)
    for row, bits in enumerate(matrix):
        for col, dark in enumerate(bits):
            if dark:
                canvas.rect(x + col * module, y + size - (row + 1) * module, module, module, stroke=0, fill=1)


def _draw_badge(canvas: Canvas, event: Event, registration: Registration, x: float, y: float) -> None:
    """One A6 badge with its lower left corner at (x, y)."""
    width, height = A6
    middle, inner = x + width / 2, width - 16 * mm
    _text(canvas, middle, y + height - 14 * mm, event.title, 11, inner)
    _text(canvas, middle, y + height - 30 * mm, registration.name, 20, inner)
    _text(canvas, middle, y + height - 38 * mm, registration.organisation_name, 11, inner)
    _text(canvas, middle, y + height - 45 * mm, _country(registration.country), 11, inner)
    category = registration.category.get_category_display() if registration.category else ""
    _text(canvas, middle, y + height - 54 * mm, str(category).upper(), 13, inner)
    qr_size = 50 * mm
    _draw_qr(canvas, qr_code(registration), middle - qr_size / 2, y + 18 * mm, qr_size)
    _text(canvas, middle, y + 11 * mm, spaced(registration.badge_secret), 10, inner)


def badges_pdf(event: Event, registrations: Iterable[Registration], *, sheet: bool = False) -> bytes:
    """The badges of `registrations` (category selected) as a PDF: A6 pages, or A4 sheets
    of four when `sheet`. Renders in the active language (country and category names)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4 if sheet else A6, invariant=True)
    canvas.setTitle(event.title)
    corners = [(0, A6[1]), (A6[0], A6[1]), (0, 0), (A6[0], 0)] if sheet else [(0, 0)]
    for placed, registration in enumerate(registrations):
        if placed and placed % len(corners) == 0:
            canvas.showPage()
        _draw_badge(canvas, event, registration, *corners[placed % len(corners)])
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
