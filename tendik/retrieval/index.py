"""The dense index: FAISS IndexFlatIP over L2-normalised passage vectors, with a manifest.

``build_index`` writes index.faiss, documents.json and manifest.json (corpus hash, model,
dimension, document count). ``load_index`` refuses an index whose manifest does not match the
current corpus or model: a stale index would return wrong documents under stable-looking ids.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from tendik.knowledge.norms import ROOT
from tendik.retrieval.corpus import Document, corpus_hash

logger = logging.getLogger(__name__)
DEFAULT_INDEX_DIR = ROOT / "build" / "index"
MANIFEST_VERSION = 1


class IndexMismatch(RuntimeError):
    """The stored index was built from another corpus or model."""


def build_index(docs: list[Document], encoder, out_dir: Path = DEFAULT_INDEX_DIR, progress: bool = True) -> dict:
    import faiss

    started = time.perf_counter()
    vectors = encoder.passages([d.text for d in docs], progress=progress)
    norms = np.linalg.norm(vectors, axis=1)
    if not np.allclose(norms, 1.0, atol=1e-3):
        raise ValueError("passage vectors are not L2-normalised")
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    manifest = {
        "version": MANIFEST_VERSION,
        "corpus_hash": corpus_hash(docs),
        "model": encoder.name,
        "model_fingerprint": encoder.fingerprint,
        "dimension": int(vectors.shape[1]),
        "documents": len(docs),
        "metric": "inner_product_on_normalised_vectors",
        "built_seconds": round(time.perf_counter() - started, 2),
    }
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    faiss.write_index(index, str(tmp / "index.faiss"))
    (tmp / "documents.json").write_text(
        json.dumps([asdict(d) for d in docs], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    if out_dir.exists():
        for f in out_dir.iterdir():
            f.unlink()
        out_dir.rmdir()
    tmp.rename(out_dir)
    logger.info("index: %d documents, dim %d, %.1f s", len(docs), manifest["dimension"], manifest["built_seconds"])
    return manifest


def read_manifest(index_dir: Path = DEFAULT_INDEX_DIR) -> dict:
    path = index_dir / "manifest.json"
    if not path.is_file():
        raise FileNotFoundError(f"no index at {index_dir}; run `make build`")
    return json.loads(path.read_text(encoding="utf-8"))


def load_index(docs: list[Document], encoder, index_dir: Path = DEFAULT_INDEX_DIR):
    """Load the FAISS index, checking its manifest against ``docs`` and ``encoder``."""
    import faiss

    manifest = read_manifest(index_dir)
    expected = {
        "corpus_hash": corpus_hash(docs),
        "model_fingerprint": encoder.fingerprint,
        "dimension": encoder.dim,
        "documents": len(docs),
    }
    wrong = {k: (manifest.get(k), v) for k, v in expected.items() if manifest.get(k) != v}
    if wrong:
        details = ", ".join(f"{k}: index has {a!r}, expected {b!r}" for k, (a, b) in wrong.items())
        raise IndexMismatch(f"index at {index_dir} does not match ({details}); rebuild it with `make build`")
    stored = json.loads((index_dir / "documents.json").read_text(encoding="utf-8"))
    if [d["doc_id"] for d in stored] != [d.doc_id for d in docs]:
        raise IndexMismatch("index document ids differ from the corpus; rebuild it with `make build`")
    index = faiss.read_index(str(index_dir / "index.faiss"))
    if index.ntotal != len(docs) or index.d != encoder.dim:
        raise IndexMismatch("index size or dimension differs from its manifest")
    return index, manifest
