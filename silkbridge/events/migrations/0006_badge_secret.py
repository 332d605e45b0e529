# Badge secrets: added nullable, filled one by one (a callable default gives existing rows
# one shared value), then made unique.

import secrets

from django.db import migrations, models

import silkbridge.events.models

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def fill_secrets(apps, schema_editor):  # type: ignore[no-untyped-def]
    Registration = apps.get_model("events", "Registration")
    for registration in Registration.objects.filter(badge_secret__isnull=True).only("pk"):
        registration.badge_secret = "".join(secrets.choice(ALPHABET) for _ in range(12))
        registration.save(update_fields=["badge_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_programme"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="badge_secret",
            field=models.CharField(max_length=20, null=True, editable=False),
        ),
        migrations.RunPython(fill_secrets, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="registration",
            name="badge_secret",
            field=models.CharField(
                default=silkbridge.events.models.new_badge_secret, editable=False, max_length=20, unique=True
            ),
        ),
    ]
