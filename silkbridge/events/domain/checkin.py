"""Check-in at the venue: the code on a badge (scanned or typed) marks its holder arrived."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silkbridge.core import audit
from silkbridge.events.enums import RegistrationStatus
from silkbridge.events.models import BADGE_ALPHABET, Event, Registration


@dataclass(frozen=True)
class CheckIn:
    registration: Registration | None  # None: no confirmed participant has this code
    new: bool  # False: already checked in before


def normalise_code(code: str) -> str:
    """What the desk typed, as stored: upper case, without spaces or dashes, and with the
    letters people confuse with digits read as those digits (Crockford base32)."""
    code = code.upper().replace(" ", "").replace("-", "")
    return code.translate(str.maketrans("OIL", "011"))[:20]


def check_in(*, event: Event, code: str, actor: Any) -> CheckIn:
    """Mark the confirmed participant whose badge carries `code` as arrived. Idempotent: a
    second check-in of the same code changes nothing and reports `new=False`. The claim is
    one conditional UPDATE, so two desks scanning the same badge at once record it once."""
    code = normalise_code(code)
    if not code or set(code) - set(BADGE_ALPHABET):
        return CheckIn(None, False)
    confirmed = Registration.objects.filter(event=event, badge_secret=code, status=RegistrationStatus.CONFIRMED)
    with transaction.atomic():
        new = confirmed.filter(checked_in_at__isnull=True).update(checked_in_at=timezone.now()) == 1
        registration = confirmed.select_related("category").first()
        if new and registration is not None:
            audit.record(actor=actor, action="check-in", obj=registration, changes={"checked_in": [None, True]})
    return CheckIn(registration, new)


def describe_check_in(result: CheckIn, code: str) -> tuple[str, str]:
    """The desk's answer, for the page, its script and the API: a result code ("checked-in",
    "already", "unknown") and a sentence in the reader's language."""
    if result.registration is None:
        return "unknown", _("No confirmed participant has the code %(code)s.") % {"code": code}
    values = {"name": result.registration.name, "organisation": result.registration.organisation_name or "—"}
    if result.new:
        return "checked-in", _("Welcome, %(name)s (%(organisation)s): checked in.") % values
    return "already", _("%(name)s (%(organisation)s) is already checked in.") % values
