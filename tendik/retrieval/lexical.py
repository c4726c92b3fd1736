"""Lexical scorer: character n-gram TF-IDF over folded text.

Folding (``tendik.lang.fold``) makes "жұмыстан", "жумыстан" and "jūmystan" the same string, so
Kazakh typed without Kazakh letters or in Latin script still matches the stored texts.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from tendik.lang import fold


class LexicalScorer:
    def __init__(self, texts: list[str]) -> None:
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1, preprocessor=fold
        )
        self.matrix = self.vectorizer.fit_transform(texts)

    def scores(self, query: str) -> np.ndarray:
        q = self.vectorizer.transform([query])
        return np.asarray((self.matrix @ q.T).todense()).ravel().astype(np.float32)
