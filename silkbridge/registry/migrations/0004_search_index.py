"""Substring search index on Organisation.search_text.

SQLite: an FTS5 table with the trigram tokenizer, kept in step by triggers.
PostgreSQL: the pg_trgm extension and a GIN trigram index, which serves LIKE '%word%'.
"""

from django.db import migrations

from silkbridge.registry.search_index import ensure_search_index

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS registry_organisation_fts_ai",
    "DROP TRIGGER IF EXISTS registry_organisation_fts_ad",
    "DROP TRIGGER IF EXISTS registry_organisation_fts_au",
    "DROP TABLE IF EXISTS registry_organisation_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_org_search_trgm ON registry_organisation USING gin (search_text gin_trgm_ops)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS registry_org_search_trgm"]


def _create(apps, schema_editor):  # type: ignore[no-untyped-def]
    # SQLite: the same code that repairs the index after table rebuilds (search_index.py).
    if schema_editor.connection.vendor == "sqlite":
        ensure_search_index(schema_editor.connection)
    for sql in POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else []:
        schema_editor.execute(sql)


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_name_index")]
    operations = [
        migrations.RunPython(_create, _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}))
    ]
