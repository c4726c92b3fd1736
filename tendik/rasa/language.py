"""Sets the ``language`` and ``language_pref`` slots from the REST channel's decision, inside the NLU
pipeline: no action-server round trip and no second language detection per message.

The channel puts its decision in the message metadata (``language``, ``text_language``,
``language_requested``: ``tendik.lang.LanguageDecision``). Placed after the FallbackClassifier, this
component knows the final intent: a request to switch (``switch_language``) makes the requested
language both the reply language and the sticky preference; any other message carries the
channel's reply language. The slots are filled from these entities (``from_entity`` mappings in
nlu_data/domain/slots.yml). A message that did not come through the REST channel (Rasa's
/model/parse, for example) carries no decision: its language is decided here, the same way, with
nothing known of the conversation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from tendik.lang import LANGS, LanguageDetector, decide_language
from tendik.paths import langid_model

SWITCH_INTENT = "switch_language"
EXTRACTOR = "TendikLanguage"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageEntities(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config
        self._detector: Optional[LanguageDetector] = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageEntities":
        return cls(config)

    def detector(self) -> LanguageDetector:
        if self._detector is None:
            self._detector = LanguageDetector.load(Path(langid_model()))
        return self._detector

    def languages(self, message: Message) -> Dict[Text, Text]:
        """The slot values this message sets: {"language": ..., "language_pref": ...}."""
        metadata = message.get("metadata") or {}
        if not isinstance(metadata, dict) or "language_requested" not in metadata:
            decision = decide_language(message.get(TEXT) or "", self.detector()).as_metadata()
        else:
            decision = metadata
        intent = (message.get(INTENT) or {}).get("name")
        if intent == SWITCH_INTENT and decision.get("language_requested") in LANGS:
            wanted = decision["language_requested"]
            return {"language": wanted, "language_pref": wanted}
        reply = decision.get("language")
        return {"language": reply} if reply in LANGS else {}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not message.get(TEXT):
                continue
            found = [
                {"entity": name, "value": value, "start": 0, "end": 0, "extractor": EXTRACTOR, "confidence_entity": 1.0}
                for name, value in self.languages(message).items()
            ]
            if found:
                message.set(ENTITIES, list(message.get(ENTITIES) or []) + found, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
