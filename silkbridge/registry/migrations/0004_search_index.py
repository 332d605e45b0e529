"""Substring search index on Organisation.search_text.

SQLite: an FTS5 table with the trigram tokenizer, kept in step by triggers.
PostgreSQL: the pg_trgm extension and a GIN trigram index, which serves LIKE '%word%'.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE registry_organisation_fts USING fts5(
           search_text, content='registry_organisation', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER registry_organisation_fts_ai AFTER INSERT ON registry_organisation BEGIN
           INSERT INTO registry_organisation_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    """CREATE TRIGGER registry_organisation_fts_ad AFTER DELETE ON registry_organisation BEGIN
           INSERT INTO registry_organisation_fts(registry_organisation_fts, rowid, search_text)
           VALUES ('delete', old.id, old.search_text); END""",
    """CREATE TRIGGER registry_organisation_fts_au AFTER UPDATE OF search_text ON registry_organisation BEGIN
           INSERT INTO registry_organisation_fts(registry_organisation_fts, rowid, search_text)
           VALUES ('delete', old.id, old.search_text);
           INSERT INTO registry_organisation_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    "INSERT INTO registry_organisation_fts(registry_organisation_fts) VALUES ('rebuild')",
]
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


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_name_index")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
