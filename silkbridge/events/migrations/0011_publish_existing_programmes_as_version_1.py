"""Programmes edited before versions existed were public as they stood: publish each as
version 1, so that the public programme shows the same sessions after the upgrade."""

from typing import Any

from django.db import migrations


def publish_existing(apps: Any, schema_editor: Any) -> None:
    Event = apps.get_model("events", "Event")
    ProgrammeVersion = apps.get_model("events", "ProgrammeVersion")
    for event in Event.objects.filter(sessions__isnull=False).distinct():
        sessions = [
            {
                "id": s.pk, "titles": s.titles, "room": s.room, "starts_at": s.starts_at.isoformat(),
                "ends_at": s.ends_at.isoformat(), "track": s.track, "language": s.language,
                "speakers": [[r.pk, r.name] for r in s.speakers.order_by("name", "id")],
            }
            for s in event.sessions.order_by("starts_at", "room", "id")
        ]  # fmt: skip
        ProgrammeVersion.objects.create(event=event, number=1, sessions=sessions, changes=[])


class Migration(migrations.Migration):
    dependencies = [("events", "0010_follow_up_questions_and_programme_versions")]

    operations = [migrations.RunPython(publish_existing, migrations.RunPython.noop)]
