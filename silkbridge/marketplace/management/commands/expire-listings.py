from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from silkbridge.marketplace import domain


class Command(BaseCommand):
    help = "Expire published listings past their date and remind owners of those expiring soon (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        expired = domain.expire_listings(today=today)
        reminded = domain.remind_expiring(today=today)
        self.stdout.write(f"{expired} listings expired, {reminded} owners reminded")
