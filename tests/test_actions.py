"""Action unit tests with rasa-sdk's real Tracker and CollectingDispatcher (real knowledge base
and real retrieval; nothing mocked)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tendik.actions.actions import ActionAnswer

pytestmark = pytest.mark.unit  # no services: `make test-unit`


def make_tracker(text: str, intent: str, confidence: float = 0.95, slots: dict[str, Any] | None = None,
                 metadata: dict | None = None, ranking: list[dict] | None = None,
                 entities: list[tuple[str, Any]] | None = None) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
        "entities": [{"entity": name, "value": value} for name, value in entities or []],
        "metadata": metadata or {},
    }
    return Tracker("test-user", slots or {}, latest, [], False, None, {}, "action_listen")


def run(action, tracker: Tracker) -> tuple[CollectingDispatcher, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher, events


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def payloads(dispatcher: CollectingDispatcher) -> list[dict]:
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


def test_the_answer_follows_the_language_slot_or_the_channel_metadata() -> None:
    """The action does not detect languages: the slot (set in the NLU pipeline from the REST
    channel's decision) decides, else the channel's metadata."""
    dispatcher, _ = run(ActionAnswer(), make_tracker("меня уволили беременную", "ask_pregnant_dismissal", slots={"language": "kk"}))
    assert "Еңбек кодексінің" in dispatcher.messages[0]["text"]
    dispatcher, _ = run(ActionAnswer(), make_tracker("жүкті болғаным үшін шығарды", "ask_pregnant_dismissal", metadata={"language": "ru"}))
    assert "Трудового кодекса" in dispatcher.messages[0]["text"]


def test_the_action_server_has_no_language_action_any_more() -> None:
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("tendik.actions")
    assert "action_answer" in executor.actions and not any("language" in a for a in executor.actions)


def test_topic_intent_is_answered_with_a_citation() -> None:
    dispatcher, events = run(ActionAnswer(), make_tracker("меня уволили беременную", "ask_pregnant_dismissal", slots={"language": "ru"}))
    [payload] = payloads(dispatcher)
    assert payload["source"] == "intent" and "tk-054" in payload["knowledge_ids"]
    assert "статья 54 трудового кодекса рк (пункт" in dispatcher.messages[0]["text"].lower()
    assert slot_events(events)["last_knowledge"][0] == "exp-pregnant-dismissal"


def test_kazakh_answer_is_in_kazakh() -> None:
    dispatcher, _ = run(ActionAnswer(), make_tracker("тең жалақы", "ask_equal_pay", slots={"language": "kk"}))
    text = dispatcher.messages[0]["text"]
    assert "Еңбек кодексінің" in text and "жеке заң кеңесі емес" in text and "статья" not in text.lower()


def test_gibberish_never_gets_a_citation_even_if_classified_as_a_topic() -> None:
    dispatcher, _ = run(ActionAnswer(), make_tracker("x" * 300, "ask_job_ads", confidence=0.9, slots={"language": "ru"}))
    assert all(not p["citations"] for p in payloads(dispatcher))
    assert any(m.get("response") == "utter_topics" for m in dispatcher.messages)


def test_fallback_uses_retrieval() -> None:
    text = "работодатель разместил объявление о вакансии только для мужчин до 30 лет, какой за это штраф"
    dispatcher, _ = run(ActionAnswer(), make_tracker(text, "nlu_fallback", 0.3, {"language": "ru"},
                                                    ranking=[{"name": "nlu_fallback", "confidence": 0.3}, {"name": "ask_job_ads", "confidence": 0.3}]))
    [payload] = payloads(dispatcher)
    assert payload["source"] == "retrieval"
    assert {"koap-090", "exp-job-ads", "exp-employer-liability"} & set(payload["knowledge_ids"])


def test_unanswerable_fallback_says_so_and_offers_topics() -> None:
    dispatcher, _ = run(ActionAnswer(), make_tracker("как приготовить бешбармак из баранины", "nlu_fallback", 0.2, {"language": "ru"},
                                                    ranking=[{"name": "nlu_fallback", "confidence": 0.2}, {"name": "out_of_scope", "confidence": 0.2}]))
    assert all(not p["citations"] for p in payloads(dispatcher))
    assert "не буду гадать" in dispatcher.messages[0]["text"]
