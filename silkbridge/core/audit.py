"""The audit log: every write through a domain function records one entry."""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from silkbridge.core.models import AuditEntry


def record(*, actor: Any, action: str, obj: models.Model, changes: dict[str, Any] | None = None) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes or {},
    )


def plain(value: Any) -> Any:
    """A field value as JSON can hold it in an audit entry: dates as ISO text, files by name,
    decimals as text; everything else as it is."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "name") and hasattr(value, "storage"):  # file fields
        return value.name or ""
    if value is None or isinstance(value, str | int | float | bool | dict | list):
        return value
    return str(value)


def snapshot(obj: models.Model, names: Iterable[str] | None = None, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """Field values as an audit entry holds them: the named fields (by default every column,
    by its attname) less ``skip``; many-to-many as sorted primary keys, a related record by
    its primary key, other values through ``plain``."""
    skipped = set(skip)
    if names is None:
        names = [f.attname for f in obj._meta.concrete_fields]
    values: dict[str, Any] = {}
    for name in names:
        if name in skipped:
            continue
        value = getattr(obj, name)
        if isinstance(value, models.Manager):  # many-to-many
            values[name] = sorted(str(pk) for pk in value.values_list("pk", flat=True))
        elif isinstance(value, models.Model):
            values[name] = str(value.pk)
        else:
            values[name] = plain(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field -> [old, new] for the fields whose value changed."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
