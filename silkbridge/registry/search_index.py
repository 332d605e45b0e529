"""The substring search index of organisations (see migration 0004).

SQLite: an FTS5 trigram table kept in step by triggers. SQLite migrations that alter the
organisation table rebuild it, which drops its triggers, so `ensure_search_index` runs after
every migrate: it recreates missing triggers and then rebuilds the index from the table.
PostgreSQL: a pg_trgm GIN index, which survives table changes."""

from django.db.backends.base.base import BaseDatabaseWrapper

TRIGGERS = {
    "registry_organisation_fts_ai": """CREATE TRIGGER registry_organisation_fts_ai AFTER INSERT ON registry_organisation
        BEGIN INSERT INTO registry_organisation_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    "registry_organisation_fts_ad": """CREATE TRIGGER registry_organisation_fts_ad AFTER DELETE ON registry_organisation
        BEGIN INSERT INTO registry_organisation_fts(registry_organisation_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text); END""",
    "registry_organisation_fts_au": """CREATE TRIGGER registry_organisation_fts_au
        AFTER UPDATE OF search_text ON registry_organisation BEGIN
        INSERT INTO registry_organisation_fts(registry_organisation_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO registry_organisation_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
}
FTS_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS registry_organisation_fts USING fts5(
    search_text, content='registry_organisation', content_rowid='id', tokenize='trigram')"""
REBUILD = "INSERT INTO registry_organisation_fts(registry_organisation_fts) VALUES ('rebuild')"


def ensure_search_index(connection: BaseDatabaseWrapper) -> bool:
    """Create what is missing of the SQLite index; returns whether anything was repaired."""
    if connection.vendor != "sqlite" or "registry_organisation" not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        missing = [sql for name, sql in TRIGGERS.items() if name not in present]
        if not missing:
            return False
        cursor.execute(FTS_TABLE)
        for sql in missing:
            cursor.execute(sql)
        cursor.execute(REBUILD)
    return True
