"""The worker's situation as entities, inside the NLU pipeline (``tendik.situation.extract``, its
grounds checked by ``tendik.situation_model``): the grounds named (``ground``, several), grounds denied (``ground_not``), the stage, the employer kind
and size, and the event date (ISO). Slots fill from them (``from_entity``), so the situation
persists across turns and a later message corrects it ("у нас 5 человек" sets the employer, "нет,
не беременна, у меня ребёнок 2 года" replaces the grounds).

Placed after the fallback classifier: a message that describes a situation but was read as small
talk, off-topic, unsure or a request to switch the reply language (a language-at-work complaint
such as «қазақша сөйлесеңдер айыппұл саламын» is a GROUND) becomes ``inform_situation``, which
the action answers from the situation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Text
from zoneinfo import ZoneInfo

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from tendik.situation import Situation
from tendik.situation_model import default_model, read

EXTRACTOR = "TendikSituation"
INFORM = "inform_situation"
# Intents that say nothing legal themselves: a described situation overrides them.
OVERRIDABLE = {"greet", "goodbye", "thanks", "help", "chitchat", "out_of_scope", "nlu_fallback", "switch_language", "more_topics", INFORM}
TIMEZONE = ZoneInfo("Asia/Almaty")


def entities_of(situation: Situation) -> List[Dict[Text, Any]]:
    values: List[tuple] = [("ground", g) for g in situation.grounds] + [("ground_not", g) for g in situation.negated]
    if situation.stage:
        values.append(("stage", situation.stage))
    if situation.employer_kind:
        values.append(("employer_kind", situation.employer_kind))
    if situation.employer_size is not None:
        values.append(("employer_size", situation.employer_size))
    if situation.date is not None:
        values.append(("event_date", situation.date.isoformat()))
    return [{"entity": name, "value": value, "start": 0, "end": 0, "extractor": EXTRACTOR, "confidence_entity": 1.0}
            for name, value in values]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class SituationEntities(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SituationEntities":
        default_model()  # load the learned ground check now, not on the first user's turn
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        today = dt.datetime.now(TIMEZONE).date()
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            metadata = message.get("metadata") if isinstance(message.get("metadata"), dict) else {}
            situation = read(text, today, (metadata or {}).get("text_language"))
            found = entities_of(situation)
            if not found:
                continue
            message.set(ENTITIES, list(message.get(ENTITIES) or []) + found, add_to_output=True)
            intent = (message.get(INTENT) or {}).get("name")
            # A date alone does not make a message a situation ("футбол сегодня қашан басталады?" stays
            # off-topic; its date still fills the slot); a ground, a stage or the employer ("у нас 5 человек") does.
            described = bool(situation.grounds or situation.stage or situation.employer_kind or situation.employer_size is not None)
            if described and intent in OVERRIDABLE and intent != INFORM:
                confidence = 1.0
                message.set(INTENT, {"name": INFORM, "confidence": confidence}, add_to_output=True)
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != INFORM]
                message.set(INTENT_RANKING_KEY, [{"name": INFORM, "confidence": confidence}, *ranking], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
