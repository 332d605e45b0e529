from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from silkbridge.marketplace import domain, queries
from silkbridge.marketplace.models import SavedSearch


class Command(BaseCommand):
    help = "E-mail each saved search's new matching listings (run daily or weekly; safe to run twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        now, sent = timezone.now(), 0
        for saved in SavedSearch.objects.select_related("user").filter(user__is_active=True).iterator():
            sent += domain.send_digest(saved, listings=queries.new_matches(saved), now=now)
        self.stdout.write(f"{sent} digests sent")
