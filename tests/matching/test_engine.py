import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from silkbridge.matching.embedding import FakeEmbedder
from silkbridge.matching.engine import Document, Engine, IncompatibleIndex, Reading
from silkbridge.matching.lexical import BM25
from silkbridge.matching.vectors import VectorIndex

DOCS = [
    Document(
        "organisation:1",
        "China Agricultural University",
        ["中国农业大学", "CAU"],
        "Soil science and crop breeding.",
        countries=["CN"],
        fields=["4.1"],
    ),
    Document(
        "organisation:2",
        "Moscow State University",
        ["Московский государственный университет"],
        "Physics and mathematics.",
        countries=["RU"],
        fields=["1.3"],
    ),
    Document("expert:3", "Ana Pérez", [], "Soil microbiology of drylands.", ["soil"], countries=["ES"], fields=["4.1"]),
    Document("expert:4", "Hidden Person", [], "Soil carbon.", audience="hidden"),
]


class CountingEmbedder(FakeEmbedder):
    """The fake model, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self.embedded = 0

    def passages(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        return super().passages(texts)


def test_bm25_matches_the_formula() -> None:
    index = BM25.build([["soil", "soil", "crop"], ["crop"]], k1=1.2, b=0.75)
    average = 2.0
    idf_soil = math.log(1 + (2 - 1 + 0.5) / (1 + 0.5))
    expected = idf_soil * 2 * 2.2 / (2 + 1.2 * (1 - 0.75 + 0.75 * 3 / average))
    assert math.isclose(float(index.scores(["soil"])[0]), expected, rel_tol=1e-5)
    assert index.scores(["soil"])[1] == 0
    assert index.matches(["soil", "rice"], 0) == ["soil"]


def test_lexical_match_ranks_first_and_says_which_words_matched() -> None:
    engine = Engine.build(DOCS, FakeEmbedder())
    hits = engine.search("crop breeding", 3)
    assert hits[0].key == "organisation:1"
    assert hits[0].reasons.matched == ["crop", "breeding"]
    assert hits[0].reasons.semantic == round(hits[0].semantic, 4)


def test_a_name_in_another_script_finds_the_record() -> None:
    engine = Engine.build(DOCS, FakeEmbedder())
    assert engine.search("农业大学", 1)[0].key == "organisation:1"
    assert engine.search("государственный университет", 1)[0].key == "organisation:2"


def test_kinds_and_audiences_filter_results() -> None:
    engine = Engine.build(DOCS, FakeEmbedder())
    keys = {h.key for h in engine.search("soil", 10, kinds=["expert"], audiences=["public"])}
    assert keys == {"expert:3"}
    everyone = {h.key for h in engine.search("soil", 10, audiences=["public", "members", "hidden"])}
    assert "expert:4" in everyone


def test_empty_query_and_empty_index_give_nothing() -> None:
    assert Engine.build(DOCS, FakeEmbedder()).search("   ", 5) == []
    assert Engine.build([], FakeEmbedder()).search("soil", 5) == []


def test_similar_excludes_the_record_and_names_shared_fields() -> None:
    engine = Engine.build(DOCS, FakeEmbedder())
    hits = engine.similar("organisation:1", 5, kinds=["organisation", "expert"], audiences=["public"])
    keys = [h.key for h in hits]
    assert "organisation:1" not in keys
    by_key = {h.key: h for h in hits}
    assert by_key["expert:3"].reasons.fields == ["4.1"]


def test_saved_index_answers_like_the_built_one_and_reuses_vectors(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    engine = Engine.build(DOCS, embedder)
    engine.save(tmp_path / "index")
    loaded = Engine.load(tmp_path / "index", embedder)
    assert [h.key for h in loaded.search("soil science", 4)] == [h.key for h in engine.search("soil science", 4)]
    before = embedder.embedded
    changed = [*DOCS[:3], Document("expert:4", "Hidden Person", [], "Rice paddies.", audience="hidden")]
    Engine.build(changed, embedder, known=Engine.saved_vectors(tmp_path / "index", embedder))
    assert embedder.embedded - before == 1  # only the edited text


def test_ann_path_finds_what_the_exact_path_finds() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    starts = np.arange(0, 3001, 1, dtype=np.int64)
    exact = VectorIndex(vectors, starts, ann_threshold=10**9)
    approximate = VectorIndex(vectors, starts, ann_threshold=100)
    approximate.build_ann()
    assert approximate.uses_ann and not exact.uses_ann
    agree = []
    for q in vectors[:50]:
        agree.append(len(set(exact.nearest(q, 10)[0]) & set(approximate.nearest(q, 10)[0])) / 10)
    assert np.mean(agree) > 0.9


def test_a_document_is_as_similar_as_its_best_chunk() -> None:
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(9, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = VectorIndex(vectors, np.array([0, 1, 4, 6, 9], dtype=np.int64))  # 1, 3, 2 and 3 chunks
    query = vectors[5]
    best = [max(float(vectors[c] @ query) for c in range(a, b)) for a, b in [(0, 1), (1, 4), (4, 6), (6, 9)]]
    assert np.allclose(index.similarity(query), best)
    assert np.allclose(index.similarity(query, np.array([3, 0, 2])), [best[3], best[0], best[2]])
    assert np.isclose(index.similarity(query, np.array([2]))[0], 1.0)  # the document that holds the query
    assert len(index.similarity(query, np.array([], dtype=np.int64))) == 0


def test_the_ranking_core_imports_no_django() -> None:
    code = (
        "import sys; import silkbridge.matching.engine, silkbridge.matching.partners, "
        "silkbridge.matching.search_run, silkbridge.matching.partners_run; "
        "print(any(m.startswith('django') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_chinese_matches_are_explained_by_shared_character_pairs() -> None:
    documents = [
        Document("a:1", "Chinese Academy of Agricultural Sciences", ["中国农业科学院"]),
        Document("a:2", "Kunming Institute", ["昆明研究所"]),
    ]
    hits = {h.key: h.reasons.matched for h in Engine.build(documents, FakeEmbedder()).search("农业研究所", 5)}
    assert hits == {"a:1": ["农业"], "a:2": ["研究", "究所"]}


class WeighingEmbedder(FakeEmbedder):
    """The fake model, recording how foreign each query was found to be."""

    def __init__(self) -> None:
        self.foreign: list[float] = []
        self.centres: list[np.ndarray | None] = []

    def weigh(self, query: np.ndarray, foreign: float, centre: np.ndarray | None = None) -> np.ndarray:
        self.foreign.append(foreign)
        self.centres.append(centre)
        return query


def test_the_engine_tells_the_embedder_how_foreign_a_query_is_and_where_its_records_centre() -> None:
    embedder = WeighingEmbedder()
    engine = Engine.build(DOCS, embedder)
    engine.search("soil physics", 3)  # both words are in the index
    engine.search("почва", 3)  # the index has never seen it
    engine.search("soil почва", 3, mode="semantic")
    engine.search("soil", 3, mode="lexical")  # no vector, nothing to weigh
    assert embedder.foreign == [0.0, 1.0, 0.5]
    chunks = np.vstack([embedder.passages(doc.chunk_texts()) for doc in DOCS])
    for centre in embedder.centres:
        assert centre is not None and np.allclose(centre, chunks.mean(axis=0), atol=1e-6)


def test_a_foreign_query_loses_part_of_its_share_along_the_centre() -> None:
    from silkbridge.matching.embedding import CENTRING

    query = np.array([1.0, 1.0, 0.0], dtype=np.float32)
    centre = np.array([2.0, 0.0, 0.0], dtype=np.float32)  # the query's part along it: [1, 0, 0]
    fake = FakeEmbedder()
    assert np.array_equal(fake.weigh(query, 0.0, centre), query)  # same language: as it was
    assert np.allclose(fake.weigh(query, 1.0, centre), [1.0 - CENTRING, 1.0, 0.0])
    assert np.allclose(fake.weigh(query, 0.5, centre), [1.0 - 0.5 * CENTRING, 1.0, 0.0])
    assert np.array_equal(fake.weigh(query, 1.0), query)  # no centre known: nothing to do
    unrelated = np.array([0.0, 0.0, 1.0], dtype=np.float32)
    assert np.array_equal(fake.weigh(unrelated, 1.0, centre), unrelated)  # nothing along it to take


def test_the_ensemble_weighs_its_second_model_by_how_foreign_the_query_is() -> None:
    """A query in the records' language is ranked by e5 alone; a foreign one by both."""
    from silkbridge.matching.embedding import CENTRING, EnsembleEmbedder

    ensemble = EnsembleEmbedder(1)  # weighing loads no model
    query = np.linspace(1.0, 2.0, 384 + 512, dtype=np.float32)
    assert np.array_equal(ensemble.weigh(query, 1.0), query)
    same_language = ensemble.weigh(query, 0.0)
    assert np.array_equal(same_language[:384], query[:384]) and not same_language[384:].any()
    assert np.allclose(ensemble.weigh(query, 0.25)[384:], 0.25 * query[384:])
    assert np.array_equal(ensemble.weigh(query, 7.0), query)  # clamped to [0, 1]
    assert np.array_equal(query, np.linspace(1.0, 2.0, 384 + 512, dtype=np.float32))  # not changed in place
    # only e5's half is centred, and only as far as the query is foreign
    centre = np.zeros(384 + 512, dtype=np.float32)
    centre[0] = centre[500] = 3.0  # along the first dimension of each half
    foreign = ensemble.weigh(query, 1.0, centre)
    assert np.isclose(foreign[0], (1 - CENTRING) * query[0]) and np.array_equal(foreign[1:], query[1:])
    assert np.isclose(ensemble.weigh(query, 0.5, centre)[0], (1 - 0.5 * CENTRING) * query[0])
    assert np.array_equal(ensemble.weigh(query, 0.0, centre)[:384], query[:384])


def test_identifiers_are_found_by_their_words_but_not_embedded() -> None:
    doc = Document("project:1", "Drip irrigation", text="Field trials.", codes=["demo:project:KE", "H2020-EU.3.2"])
    assert not any("KE" in text or "H2020" in text for text in doc.chunk_texts())
    engine = Engine.build([doc, Document("project:2", "Rice breeding", text="Seed trials.")], FakeEmbedder())
    assert [hit.key for hit in engine.search("demo:project:KE", 2, mode="lexical")] == ["project:1"]


def test_the_similarity_shown_is_the_cosine_of_the_query_as_ranked() -> None:
    fake = FakeEmbedder()
    engine = Engine.build(DOCS, fake)
    query = "почва soil"  # half foreign: centred by half
    hits = engine.search(query, 5, mode="semantic")
    ranked = fake.weigh(fake.queries([query])[0], 0.5, engine.centre)
    positions = np.array([engine.positions[h.key] for h in hits])
    cosines = engine.vectors.similarity(ranked / np.linalg.norm(ranked), positions)
    assert [h.reasons.semantic for h in hits] == [round(float(c), 4) for c in cosines]
    assert [h.reasons.semantic for h in hits] == sorted((h.reasons.semantic for h in hits), reverse=True)
    assert not np.allclose(cosines, engine.vectors.similarity(fake.queries([query])[0], positions))


def test_each_result_names_the_passage_closest_in_meaning() -> None:
    long_text = " ".join(["Drip irrigation trials cut the water used on cotton farms."] * 8)
    long_text += " " + " ".join(["Training for technicians who repair the pumps of village mini-grids."] * 8)
    project = Document("project:5", "Water and energy (demo)", text=long_text)
    engine = Engine.build([*DOCS, project], FakeEmbedder())
    assert len(project.chunk_texts()) > 1  # two pieces, each led by the title
    hits = engine.search("technicians repair pumps", 6)
    assert all(h.reasons._passage_text is None for h in hits)  # worked out only for the hits that are read
    by_key = {h.key: h.reasons.passage for h in hits}
    assert "technicians" in by_key["project:5"] and "Drip" not in by_key["project:5"]
    assert not by_key["project:5"].startswith("Water and energy")  # the title is on the page already
    by_key = {h.key: h.reasons.passage for h in engine.search("drip irrigation cotton", 6)}
    assert "Drip irrigation" in by_key["project:5"] and "technicians" not in by_key["project:5"]
    # a name in another language: the names piece, less the title
    assert engine.search("中国农业大学", 1)[0].reasons.passage == "中国农业大学; CAU"
    # a record whose only piece is its title says nothing more
    bare = Engine.build([Document("organisation:9", "Railenium")], FakeEmbedder())
    assert bare.search("Railenium", 1)[0].reasons.passage == ""
    assert engine.search("drip irrigation", 3, mode="lexical")[0].reasons.passage == ""  # nothing embedded


def test_similar_records_show_no_passage() -> None:
    engine = Engine.build(DOCS, FakeEmbedder())
    assert all(hit.reasons.passage == "" for hit in engine.similar("organisation:1", 3))


class Bilingual(CountingEmbedder):
    """The fake model with a word model that knows a few translations: a word and its
    translations share one direction; any other word gets one of the other 14 (by its letters)."""

    word_dim = 16
    MEANINGS = {"irrigation": 0, "riego": 0, "الري": 0, "орошение": 0, "telescopes": 1, "telescopios": 1}

    def __init__(self) -> None:
        super().__init__()
        self.words_embedded: list[str] = []

    def words(self, texts: list[str]) -> np.ndarray:
        self.words_embedded.extend(texts)
        vectors = np.zeros((len(texts), self.word_dim), dtype=np.float32)
        for i, text in enumerate(texts):
            vectors[i, self.MEANINGS.get(text, 2 + sum(map(ord, text)) % (self.word_dim - 2))] = 1.0
        return vectors


FARMS = [
    Document("project:1", "Water for smallholder farms", text="Drip irrigation of vegetables."),
    Document("project:2", "Radio astronomy", text="Large telescopes observe galaxies."),
    Document("project:3", "Poultry health", text="Vaccines for chicken farms."),
]


def test_a_word_no_record_uses_is_searched_as_the_records_word_nearest_in_meaning() -> None:
    engine = Engine.build(FARMS, Bilingual())
    assert "irrigation" in engine.lexicon.words and "of" not in engine.lexicon.words  # type: ignore[union-attr]
    for query in ("riego", "الري", "орошение"):
        hits = engine.search(query, 3)
        assert hits[0].key == "project:1", query
        assert hits[0].reasons.translated == [Reading(query, "irrigation")], query
        assert hits[0].reasons.matched == []  # the record does not contain the query's own word
        assert all(not h.reasons.translated for h in hits[1:])
    assert engine.search("telescopios", 1)[0].reasons.translated == [Reading("telescopios", "telescopes")]
    # a word the records use is searched as it is, never translated
    assert engine.search("irrigation", 1)[0].reasons.translated == []
    # nor is a query mostly in the records' language (a fifth of its words unknown)
    assert all(not h.reasons.translated for h in engine.search("vegetables drip irrigation farms riego", 3))
    assert engine.search("drip irrigation riego", 1)[0].reasons.translated == [Reading("riego", "irrigation")]
    # embeddings alone and BM25 alone stay what they were
    assert all(
        not h.reasons.translated for mode in ("lexical", "semantic") for h in engine.search("riego", 3, mode=mode)
    )


def test_without_a_word_model_nothing_is_translated() -> None:
    engine = Engine.build(FARMS, FakeEmbedder())
    assert engine.lexicon is None
    assert all(not h.reasons.translated for h in engine.search("riego", 3))


def test_the_lexicon_is_saved_and_its_vectors_reused_by_a_rebuild(tmp_path: Path) -> None:
    first = Bilingual()
    engine = Engine.build(FARMS, first)
    assert sorted(first.words_embedded) == sorted(engine.lexicon.words)  # type: ignore[union-attr]
    engine.save(tmp_path)
    loaded = Engine.load(tmp_path, Bilingual())
    assert loaded.lexicon is not None and loaded.lexicon.words == engine.lexicon.words  # type: ignore[union-attr]
    assert loaded.search("riego", 1)[0].reasons.translated == [Reading("riego", "irrigation")]
    again = Bilingual()
    more = [*FARMS, Document("project:4", "Desert greenhouses", text="Irrigation under glass.")]
    rebuilt = Engine.build(more, again, known=Engine.saved_vectors(tmp_path, again))
    assert again.words_embedded == ["desert", "greenhouses", "glass"]  # only the new words
    assert again.embedded == 1  # and the new record's one piece
    assert rebuilt.search("riego", 2)[1].reasons.translated == [Reading("riego", "irrigation")]


def test_an_index_of_the_format_before_the_lexicon_is_rebuilt_reusing_its_vectors(tmp_path: Path) -> None:
    Engine.build(FARMS, FakeEmbedder()).save(tmp_path)
    meta = json.loads((tmp_path / "meta.json").read_text())
    (tmp_path / "meta.json").write_text(json.dumps({**meta, "format": 1}))
    with pytest.raises(IncompatibleIndex):
        Engine.load(tmp_path, FakeEmbedder())
    counting = CountingEmbedder()
    Engine.build(FARMS, counting, known=Engine.saved_vectors(tmp_path, counting))
    assert counting.embedded == 0


def test_progress_counts_the_words_embedded_with_the_texts() -> None:
    seen: list[tuple[int, int]] = []
    engine = Engine.build(FARMS, Bilingual(), progress=lambda done, total: seen.append((done, total)))
    texts = sum(len(d.chunk_texts()) for d in FARMS)
    assert seen[-1] == (texts + len(engine.lexicon.words),) * 2  # type: ignore[union-attr]
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_the_nearest_words_by_hnsw_are_those_of_the_exact_product() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(3_000, 24)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    starts = np.arange(len(vectors) + 1, dtype=np.int64)
    exact, graph = VectorIndex(vectors, starts), VectorIndex(vectors, starts, ann_threshold=100)
    graph.build_ann(threads=1)  # as the lexicon builds it
    assert graph.uses_ann and not exact.uses_ann
    queries = vectors[:40] + 0.05 * rng.normal(size=(40, 24)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    (found, sims), (expected, expected_sims) = graph.nearest_each(queries, 3), exact.nearest_each(queries, 3)
    assert found.shape == expected.shape == (40, 3)
    assert (expected[:, 0] == np.arange(40)).all()  # each query's own word, exactly
    assert (found == expected).all(), found  # built by one thread the graph finds them all
    assert np.allclose(sims, expected_sims, atol=2e-3)  # f16 in the graph
    assert (np.diff(expected_sims, axis=1) <= 0).all()  # best first


def test_a_pair_of_chinese_characters_is_read_only_as_a_word_of_another_script() -> None:
    class Near(Bilingual):  # "滴灌" lies as close to the name piece "水苗" as to "irrigation"
        MEANINGS = {**Bilingual.MEANINGS, "滴灌": 0, "水苗": 0}

    documents = [*FARMS, Document("organisation:9", "彭水苗族自治县人民医院")]
    engine = Engine.build(documents, Near())
    assert "水苗" in engine.lexicon.words  # type: ignore[union-attr]
    readings = {h.key: h.reasons.translated for h in engine.search("滴灌", 5)}
    assert readings["project:1"] == [Reading("滴灌", "irrigation")]
    assert readings["organisation:9"] == []  # not read as "水苗"
    assert engine.search("riego", 1)[0].reasons.translated == [Reading("riego", "irrigation")]


def test_a_reading_is_shown_only_when_it_can_be_a_translation() -> None:
    from silkbridge.matching.lexicon import translation

    assert translation("الري", "irrigation", 0.84) and translation("vaccins", "vaccines", 1.0)
    assert translation("солнечная", "solar", 0.84) and translation("水稻", "rice", 0.78)
    assert not translation("leo", "lee", 0.85)  # spelled alike
    assert not translation("chocolat", "choco", 0.81)
    assert not translation("jour", "ト日", 0.82)  # a piece of a Japanese name
    assert not translation("水稻", "水苗", 0.9)  # a pair of the same script
    assert not translation("riego", "ri", 0.91)  # a piece, not a word


def test_a_grant_number_in_the_query_counts_for_the_relevance_floor() -> None:
    docs = [Document(key=f"project:{n}", title=f"Field trials {n}", codes=[f"GA-{800000 + n}"]) for n in range(50)]
    hits = Engine.build(docs, FakeEmbedder()).search("800007", 5)
    assert hits[0].key == "project:7"
    assert hits[0].literal == 1.0 and hits[0].relevant
