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


def test_packaged_model_embeds_offline(no_network: None) -> None:
    vectors = get_embedder("default").passages(["soil science", "土壤科学"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_a_query_in_chinese_russian_or_arabic_finds_the_english_record(no_network: None) -> None:
    documents = [
        Document("a", "Drip irrigation for smallholder farms", text="Saving water for vegetables in dry regions."),
        Document("b", "Radio telescopes", text="Observing distant galaxies with large antenna arrays."),
        Document("c", "Vaccines for poultry", text="Preventing avian influenza in chicken farms."),
    ]
    engine = Engine.build(documents, get_embedder("default"))
    for query in ("小农户滴灌节水", "капельное орошение для фермеров", "الري بالتنقيط للمزارعين"):
        assert engine.search(query, 1)[0].key == "a", query
