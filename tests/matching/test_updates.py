"""The incremental index: records brought up to date without a build (``Engine.applied``,
``index.update``), the merges that fold them into a new build, and other processes that
pick updates up."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import settings

from silkbridge.matching import index
from silkbridge.matching.embedding import FakeEmbedder
from silkbridge.matching.engine import Document, Engine, Reading, text_hash
from silkbridge.registry import domain as registry
from tests.factories import OrganisationFactory
from tests.matching.test_engine import FARMS, Bilingual

BASE = [
    Document("organisation:1", "Soil Institute", text="Soil erosion on terraces."),
    Document("organisation:2", "Star Observatory", text="Radio astronomy of galaxies."),
    Document("organisation:3", "Rice Centre", text="Rice breeding and soil fertility."),
    Document("organisation:4", "Fish Station", text="Aquaculture of carp in ponds."),
]


def apply(engine: Engine, keys: list[str], documents: list[Document]) -> Engine:
    """The engine with these records brought up to date, their texts embedded by its model."""
    texts = [t for doc in documents for t in doc.chunk_texts()]
    starts = np.cumsum([0, *(len(doc.chunk_texts()) for doc in documents)])
    vectors = engine.embedder.passages(texts) if texts else np.zeros((0, engine.embedder.dim), np.float32)
    words = sorted({w for doc in documents for w in doc.lexical_text().lower().split()})
    word_model = getattr(engine.embedder, "words", None)
    word_vectors = word_model(words) if word_model and words else None
    return engine.applied(keys, documents, vectors, starts, [text_hash(t) for t in texts], words, word_vectors)


def keys(engine: Engine, query: str) -> list[str]:
    return [hit.key for hit in engine.search(query, 10, floor=True)]


def test_an_update_replaces_removes_and_adds_records_as_a_fresh_build_would() -> None:
    engine = Engine.build(BASE, FakeEmbedder())
    edited = Document("organisation:2", "Star Observatory", text="Permafrost and tundra ecology.")
    added = Document("organisation:5", "Mangrove Lab", text="Mangrove restoration on soil coasts.")
    updated = apply(engine, ["organisation:2", "organisation:4", "organisation:5"], [edited, added])
    fresh = Engine.build([BASE[0], edited, BASE[2], added], FakeEmbedder())
    for query in ("soil", "permafrost", "astronomy", "carp", "mangrove", "soil coasts"):
        assert sorted(keys(updated, query)) == sorted(keys(fresh, query)), query
    assert keys(updated, "astronomy") == [] and keys(updated, "carp") == []
    assert keys(updated, "permafrost") == ["organisation:2"]
    # the statistics of the terms touched are those of the new collection
    for term in ("soil", "permafrost", "mangrov"):
        new_id, fresh_id = updated.lexical.vocabulary[term], fresh.lexical.vocabulary[term]
        assert updated.lexical.idf[new_id] == pytest.approx(fresh.lexical.idf[fresh_id]), term
    assert updated.lexical.df[updated.lexical.vocabulary["carp"]] == 0 and "carp" not in fresh.lexical.vocabulary
    assert [d.key for d in updated.live_documents()] == [
        "organisation:1", "organisation:3", "organisation:2", "organisation:5"
    ]  # fmt: skip
    assert updated.similar("organisation:5", 3)[0].key != "organisation:5"
    # only the updated records are in the added segment; the built one is shared
    assert len(updated.added) == 2 and updated.vectors is engine.vectors


def test_a_search_on_the_engine_before_an_update_is_not_disturbed() -> None:
    engine = Engine.build(BASE, FakeEmbedder())
    before = [(h.key, h.score) for h in engine.search("soil", 10)]
    updated = apply(engine, ["organisation:1"], [])
    assert [(h.key, h.score) for h in engine.search("soil", 10)] == before
    assert "organisation:1" not in keys(updated, "soil") and "organisation:1" in keys(engine, "soil")
    twice = apply(updated, ["organisation:5"], [Document("organisation:5", "Soil Lab", text="Soil.")])
    assert "organisation:5" not in keys(updated, "soil") and "organisation:5" in keys(twice, "soil")


def test_words_of_updated_records_join_the_lexicon() -> None:
    engine = Engine.build(FARMS[1:], Bilingual())
    assert engine.search("riego", 1, floor=True) == []
    updated = apply(engine, ["project:1"], [FARMS[0]])
    hits = updated.search("riego", 3)
    assert hits[0].key == "project:1" and hits[0].reasons.translated == [Reading("riego", "irrigation")]
    assert engine.lexicon is not None and not engine.lexicon.knows("irrigation")


def test_an_update_of_a_site_without_records_makes_it_searchable() -> None:
    engine = Engine.build([], FakeEmbedder())
    updated = apply(engine, ["organisation:1"], [BASE[0]])
    assert keys(updated, "soil erosion") == ["organisation:1"]


pytestmark = pytest.mark.django_db


def test_updates_grown_past_their_share_are_merged_into_a_new_build(
    reference: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(index, "MERGE_MIN", 2)
    OrganisationFactory(name="Tundra Station")
    index.rebuild()
    before = index.built_at()
    with django_capture_on_commit_callbacks(execute=True):
        first = OrganisationFactory(name="Mangrove Lab One")
    with django_capture_on_commit_callbacks(execute=True):
        second = OrganisationFactory(name="Mangrove Lab Two")
    assert index.built_at() == before and len(index.current().engine.added) == 2
    with django_capture_on_commit_callbacks(execute=True):
        third = OrganisationFactory(name="Mangrove Lab Three")
    assert index.built_at() > before  # the third update passed MERGE_MIN: merged
    engine = index.current().engine
    assert engine.added == [] and engine.alive is None
    assert set(keys(engine, "mangrove")) == {f"organisation:{o.pk}" for o in (first, second, third)}
    deltas = Path(settings.SILKBRIDGE_MATCHING_DIR) / "deltas"
    assert not list(deltas.glob("0*.json"))  # the build holds every update: they are gone


def test_an_edit_changes_nothing_else_and_unchanged_texts_are_not_embedded_again(
    reference: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    org = OrganisationFactory(name="Permafrost Laboratory", city="", description="Frozen ground.")
    OrganisationFactory(name="Desert Station", description="Sand dunes.")
    index.rebuild()
    embedded: list[str] = []
    original = FakeEmbedder.passages
    monkeypatch.setattr(FakeEmbedder, "passages", lambda self, texts: embedded.extend(texts) or original(self, texts))
    with django_capture_on_commit_callbacks(execute=True):
        registry.update_organisation(org, data={"website": "https://permafrost.example.org"}, actor=None)
    assert embedded == []
    with django_capture_on_commit_callbacks(execute=True):
        registry.update_organisation(org, data={"description": "Thawing ground."}, actor=None)
    assert embedded == ["Permafrost Laboratory: Thawing ground."]
    assert keys(index.current().engine, "thawing") == [f"organisation:{org.pk}"]
    assert keys(index.current().engine, "dunes") != []


def test_deleting_a_record_removes_it_from_search(reference: Any, django_capture_on_commit_callbacks: Any) -> None:
    org = OrganisationFactory(name="Permafrost Laboratory")
    index.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        org.delete()
    assert keys(index.current().engine, "permafrost") == []


READER = """
import json, sys, django
django.setup()
from silkbridge.matching import index
for line in sys.stdin:
    engine = index.current().engine
    print(json.dumps([h.key for h in engine.search(line.strip(), 10, floor=True)]), flush=True)
"""


def test_another_process_finds_an_edit_within_a_second_without_a_build(
    reference: Any, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    org = OrganisationFactory(name="Permafrost Laboratory", description="Frozen ground.")
    index.rebuild()
    before = index.built_at()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "silkbridge.settings",
        "SILKBRIDGE_EMBEDDER": "fake",
        "SILKBRIDGE_MATCHING_DIR": str(settings.SILKBRIDGE_MATCHING_DIR),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",  # the reader reads files only
    }
    reader = subprocess.Popen(
        [sys.executable, "-c", READER], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert reader.stdin is not None and reader.stdout is not None

    def ask(query: str) -> list[str]:
        reader.stdin.write(query + "\n")  # type: ignore[union-attr]
        reader.stdin.flush()  # type: ignore[union-attr]
        return json.loads(reader.stdout.readline())  # type: ignore[union-attr, no-any-return]

    try:
        assert ask("permafrost") == [f"organisation:{org.pk}"] and ask("mangrove") == []
        with django_capture_on_commit_callbacks(execute=True):
            registry.update_organisation(org, data={"description": "Mangrove restoration."}, actor=None)
        time.sleep(1.1)  # a process looks for updates at most once a second
        assert ask("mangrove") == [f"organisation:{org.pk}"]
        assert index.built_at() == before  # an update, not a build
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)


def test_an_app_server_loads_another_process_build_in_the_background(reference: Any) -> None:
    org = OrganisationFactory(name="Permafrost Laboratory")
    index.rebuild()
    old = index.current()
    OrganisationFactory(name="Mangrove Laboratory")
    index.rebuild()  # as another process would: this one still holds the old build
    index._loaded[Path(settings.SILKBRIDGE_MATCHING_DIR)] = old
    old.checked_at = 0.0
    index.start_background()
    try:
        assert index.current() is old  # no request waits for the load
        deadline = time.monotonic() + 30
        while index.current(fresh=True) is old and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        index.stop_background()
    loaded = index.current()
    assert loaded is not old and loaded.folder != old.folder
    assert len(keys(loaded.engine, "laboratory")) == 2 and f"organisation:{org.pk}" in loaded.engine.positions
