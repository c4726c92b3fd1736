"""Hybrid search: dense (e5 + FAISS) fused with lexical (folded char n-grams), per knowledge id.

score(doc) = w_dense * cosine(query, doc) + w_lexical * tfidf_cosine(query, doc)
A knowledge id scores as its best document. The weights and the "sure enough to answer"
threshold are tuned on the tune split of the dev set (``python -m tendik.retrieval tune``)
and stored in knowledge/retrieval.yml.

A Kazakh query (the language is kk, or the text reads as Kazakh) reaches e5 with its Kazakh
letters restored (``tendik.restore``: «жумыска», "jumysqa" -> «жұмысқа»): e5 reads proper
Kazakh spelling far better. The lexical side reads the restored query too: it folds every
spelling onto one form anyway, but the restored Cyrillic of a Latin query folds more accurately
than fold's own transliteration (ı, i, y, q ...). A Russian query is left as typed.
bench/RESTORE.md has the measurements behind these choices (made on the tune split).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from tendik.knowledge.explanations import KnowledgeBase, load_knowledge
from tendik.knowledge.norms import ROOT
from tendik.restore import reads_as_kazakh, restore_kazakh
from tendik.retrieval.corpus import Document, build_corpus, searchable
from tendik.retrieval.index import DEFAULT_INDEX_DIR, load_index
from tendik.retrieval.lexical import LexicalScorer

logger = logging.getLogger(__name__)
SETTINGS_FILE = ROOT / "knowledge" / "retrieval.yml"


@dataclass
class Settings:
    w_dense: float = 0.6
    w_lexical: float = 0.4
    threshold: float = 0.5

    @classmethod
    def load(cls, path: Path = SETTINGS_FILE) -> Settings:
        if not path.is_file():
            return cls()
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(**{k: float(data[k]) for k in ("w_dense", "w_lexical", "threshold") if k in data})


def query_texts(query: str, lang: str) -> tuple[str, str]:
    """(the text e5 reads, the text the lexical scorer reads) for a query in ``lang``."""
    if lang == "kk" or reads_as_kazakh(query):
        restored = restore_kazakh(query, "kk")
        return restored, restored
    return query, query


@dataclass
class Hit:
    knowledge_id: str
    score: float
    dense: float
    lexical: float
    doc: Document


class HybridSearcher:
    def __init__(self, kb: KnowledgeBase, encoder, index_dir: Path = DEFAULT_INDEX_DIR, settings: Settings | None = None):
        self.kb = kb
        self.encoder = encoder
        self.docs = build_corpus(kb)
        self.index, self.manifest = load_index(self.docs, encoder, index_dir)
        self.lexical = LexicalScorer([d.text for d in self.docs])
        self.settings = settings or Settings.load()
        self.available: dict[str, set[str]] = {}
        for d in self.docs:
            self.available.setdefault(d.knowledge_id, set()).add(d.lang)
        self.masks = {
            lang: np.array([searchable(d, lang, self.available) for d in self.docs]) for lang in ("kk", "ru")
        }

    def component_scores(self, query: str, lang: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        dense_text, lexical_text = query_texts(query, lang)
        qv = self.encoder.queries([dense_text])
        sims, idx = self.index.search(qv, len(self.docs))
        dense = np.zeros(len(self.docs), dtype=np.float32)
        dense[idx[0]] = sims[0]
        lexical = self.lexical.scores(lexical_text)
        return dense, lexical, self.masks["kk" if lang == "kk" else "ru"]

    def rank(self, dense: np.ndarray, lexical: np.ndarray, mask: np.ndarray, w_dense: float, w_lexical: float, k: int) -> list[Hit]:
        fused = w_dense * dense + w_lexical * lexical
        fused = np.where(mask, fused, -np.inf)
        best: dict[str, Hit] = {}
        for i in np.argsort(-fused):
            if not np.isfinite(fused[i]):
                break
            doc = self.docs[i]
            if doc.knowledge_id not in best:
                best[doc.knowledge_id] = Hit(doc.knowledge_id, float(fused[i]), float(dense[i]), float(lexical[i]), doc)
                if len(best) >= k:
                    break
        return list(best.values())

    def search(self, query: str, lang: str, k: int = 5) -> list[Hit]:
        dense, lexical, mask = self.component_scores(query, lang)
        return self.rank(dense, lexical, mask, self.settings.w_dense, self.settings.w_lexical, k)


_searcher: HybridSearcher | None = None
_lock = threading.Lock()


def get_searcher() -> HybridSearcher:
    """The process-wide searcher, loaded on first use (never at import: see RASA-NOTES)."""
    global _searcher
    with _lock:
        if _searcher is None:
            from tendik.retrieval.encoder import Encoder

            _searcher = HybridSearcher(load_knowledge(), Encoder())
            logger.info("retrieval ready: %d documents", len(_searcher.docs))
        return _searcher
