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


def _second_reading(text: str, second: str, confidence: float, lang: str = "ru",
                    first: str = "ask_pregnant_dismissal") -> tuple[CollectingDispatcher, dict]:
    ranking = [{"name": first, "confidence": round(0.95 - confidence, 3)},
               {"name": second, "confidence": confidence}, {"name": "ask_time_limits", "confidence": 0.05}]
    dispatcher, _ = run(ActionAnswer(), make_tracker(text, first, ranking[0]["confidence"], slots={"language": lang}, ranking=ranking))
    [payload] = payloads(dispatcher)
    return dispatcher, payload


def test_a_question_between_two_topics_names_the_second_too() -> None:
    """The classifier's second topic at ALSO_FROM or more: a line naming it and the norms its lead rests on
    (cited), and a button that opens its answer; the first reply stays within its length."""
    from tendik.actions.actions import knowledge
    from tendik.compose import ALSO_FROM, FIRST_REPLY_MAX

    exp = knowledge().by_intent("ask_maternity_leave")
    assert exp is not None
    lead_norms = {r.norm_id for st in (exp.lead or exp.statements[:1]) for r in st.rests_on}
    text = "после декрета не вернули на мою должность, обязаны вернуть?"
    for lang, heading in (("ru", "Если вы спрашивали о другом"), ("kk", "Егер басқа жайт туралы сұрасаңыз")):
        dispatcher, payload = _second_reading(text, "ask_maternity_leave", ALSO_FROM + 0.05, lang, first="ask_probation")
        [also] = [s for s in payload["sections"] if s["heading"] == heading]
        assert also["kind"] == "see_also" and also["text"].startswith(exp.title[lang] + ": ")
        cited = {c["norm_id"] for c in payload["citations"]}
        assert lead_norms & cited and "tk-036" in cited  # the first topic's paragraph is still quoted
        assert {"title": exp.title[lang], "payload": "/ask_maternity_leave"} in dispatcher.messages[0]["buttons"]
        assert len(dispatcher.messages[0]["text"]) <= FIRST_REPLY_MAX


def test_a_long_reply_gets_only_the_second_topics_button() -> None:
    """The pregnant-dismissal reply is at FIRST_REPLY_MAX already: the second topic is one tap away, not a line."""
    text = "после декрета не вернули на должность"
    dispatcher, payload = _second_reading(text, "ask_maternity_leave", 0.4)
    alone, _ = _second_reading(text, "out_of_scope", 0.4)
    assert not any(s["heading"] == "Если вы спрашивали о другом" for s in payload["sections"])
    assert not {"tk-099", "tk-100"} & {c["norm_id"] for c in payload["citations"]}
    assert any(b["payload"] == "/ask_maternity_leave" for b in dispatcher.messages[0]["buttons"])
    assert dispatcher.messages[0]["text"] == alone.messages[0]["text"]


@pytest.mark.parametrize(("text", "second", "confidence"), [
    ("после декрета не вернули на мою должность, обязаны вернуть?", "ask_maternity_leave", 0.15),  # too unsure
    ("после декрета не вернули на мою должность, обязаны вернуть?", "out_of_scope", 0.4),  # not a topic
    ("после декрета не вернули на мою должность, обязаны вернуть?", "ask_pregnant_dismissal", 0.4),  # the same topic
    ("/ask_pregnant_dismissal", "ask_maternity_leave", 0.4),  # a button pressed: no second reading
])
def test_no_second_topic_when_it_is_unsure_not_a_topic_or_a_button(text: str, second: str, confidence: float) -> None:
    dispatcher, payload = _second_reading(text, second, confidence)
    assert not any(s["heading"] == "Если вы спрашивали о другом" for s in payload["sections"])
    assert not any(b["payload"] == "/ask_maternity_leave" for b in dispatcher.messages[0]["buttons"])
