from typing import Any

import pytest
from django.db import connection

from silkbridge.registry.queries import search_organisations
from silkbridge.registry.search_index import ensure_search_index
from tests.factories import OrganisationFactory


@pytest.mark.django_db
def test_an_intact_index_needs_no_repair(reference: Any) -> None:
    OrganisationFactory(name="Kenya Water Institute")
    assert ensure_search_index(connection) is False
    assert [o.name for o in search_organisations(q="water")] == ["Kenya Water Institute"]


@pytest.mark.django_db
def test_the_search_index_survives_table_rebuilds(reference: Any) -> None:
    if connection.vendor == "postgresql":
        # An ordinary GIN index: PostgreSQL keeps it through ALTER TABLE.
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'registry_org_search_trgm'")
            assert "gin_trgm_ops" in cursor.fetchone()[0]
        return
    # SQLite rebuilds a table to alter it, which drops its triggers: ensure_search_index
    # (run after every migrate) recreates them and re-indexes.
    OrganisationFactory(name="Kenya Soil Institute")
    with connection.cursor() as cursor:
        for name in ("registry_organisation_fts_ai", "registry_organisation_fts_ad", "registry_organisation_fts_au"):
            cursor.execute(f"DROP TRIGGER {name}")
    OrganisationFactory(name="Kenya Forest Institute")  # not indexed: no trigger
    assert [o.name for o in search_organisations(q="forest")] == []
    assert ensure_search_index(connection) is True
    assert [o.name for o in search_organisations(q="forest")] == ["Kenya Forest Institute"]
    OrganisationFactory(name="Kenya Maize Institute")
    assert [o.name for o in search_organisations(q="maize")] == ["Kenya Maize Institute"]
