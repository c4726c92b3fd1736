"""Custom Rasa actions: answering from the knowledge base. The reply language is not decided here:
the REST channel decides it once per message and the NLU pipeline puts it in the ``language`` slot.

Heavy things (the knowledge base, the sentence encoder, the FAISS index) load lazily on first use:
rasa-sdk 3.21 breaks if torch is imported while the server starts (see RASA-NOTES).
No user text is written to the logs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from tendik.asking import asks_question
from tendik.compose import (
    ALSO_FROM,
    MESSAGE_MAX,
    VIEWS,
    SituationState,
    more_buttons,
    norm_payload,
    route_view,
    short_topic_answer,
    situation_answer,
    unsure_payload,
    view_answer,
)
from tendik.knowledge.explanations import Explanation, KnowledgeBase, load_knowledge
from tendik.knowledge.situations import SituationKnowledge, load_situations
from tendik.lang import LANGS, LanguageDetector
from tendik.paths import langid_model
from tendik.payload import AnswerPayload, Button, Section
from tendik.situation import stage_detail
from tendik.texts import text as text_of

logger = logging.getLogger(__name__)

NON_LEGAL_INTENTS = {"greet", "goodbye", "thanks", "help", "out_of_scope", "chitchat", "switch_language", "more_topics"}
_kb: KnowledgeBase | None = None
_sk: SituationKnowledge | None = None
_detector: LanguageDetector | None = None
_lock = threading.Lock()


def knowledge() -> KnowledgeBase:
    global _kb
    with _lock:
        if _kb is None:
            _kb = load_knowledge()
        return _kb


def situations() -> SituationKnowledge:
    global _sk
    with _lock:
        if _sk is None:
            _sk = load_situations()
        return _sk


def detector() -> LanguageDetector:
    """The training vocabulary (``known_words``): a message none of whose words the classifier was
    trained on gets no intent-based answer, whatever its confidence."""
    global _detector
    with _lock:
        if _detector is None:
            _detector = LanguageDetector.load(Path(langid_model()))
        return _detector


def warm_up_retrieval() -> None:
    """Load the encoder and index in the background so the first fallback answer is fast."""

    def _load() -> None:
        try:
            from tendik.retrieval.search import get_searcher

            get_searcher()
        except Exception:  # noqa: BLE001 - answers degrade to "unsure"; logged here once
            logger.exception("retrieval could not be loaded")

    threading.Thread(target=_load, name="retrieval-warm-up", daemon=True).start()


_warm_started = False


# Topics that are a situation themselves: when the message names a ground or a stage, the answer is
# composed for the situation. Question topics (liability, evidence, mediation...) keep their answer.
SITUATIONAL_INTENTS = {
    "ask_discrimination_definition", "ask_protected_grounds", "ask_lawful_distinctions", "ask_hiring_refusal",
    "ask_pregnant_dismissal", "ask_equal_pay", "ask_job_ads", "ask_religion_nationality_language",
    "ask_sexual_harassment", "ask_gender_equality", "ask_disability", "ask_language_at_work", "ask_trade_union",
    "ask_probation", "ask_maternity_leave", "ask_retaliation", "inform_situation",
}
# Where to go and by when: with a known situation these answer for it (route and time limits).
ROUTE_INTENTS = {"ask_time_limits", "ask_how_to_complain", "ask_labour_inspection"}
# Where-to-complain questions: told together with a situation, the first reply is the situation's short answer
# (with the route sentence); a question about time limits still gets the route view (its deadlines).
COMPLAINT_INTENTS = {"ask_how_to_complain", "ask_labour_inspection"}
# Topics that are a ground or a stage themselves: told with a situation, the extracted ground and stage say it
# more precisely (a dismissal for age read as the pregnancy-dismissal topic). Any other topic asked about
# (equal pay, language at work, the inspection ...) has its norms named in the situation's first reply.
GROUND_STAGE_INTENTS = {
    "ask_discrimination_definition", "ask_protected_grounds", "ask_hiring_refusal", "ask_pregnant_dismissal",
    "ask_religion_nationality_language", "inform_situation",
}
# What discrimination is and which grounds the law names: asked about a situation without a ground, still asked.
DEFINITION_INTENTS = {"ask_discrimination_definition", "ask_protected_grounds"}
SITUATION_ENTITIES = {"ground", "ground_not", "stage"}
EMPLOYER_ENTITIES = {"employer_kind", "employer_size", "event_date"}


def slot_grounds(tracker: Tracker) -> list[Any]:
    """The ``grounds`` slot as a list (a single value read as a list of one)."""
    grounds = tracker.get_slot("grounds") or []
    return grounds if isinstance(grounds, list) else [grounds]


def situation_state(tracker: Tracker, denied: Collection[str] = ()) -> SituationState:
    """The situation the slots hold, without the grounds the latest message denies."""
    grounds = slot_grounds(tracker)
    size = tracker.get_slot("employer_size")
    try:
        size_int = int(size) if size is not None else None
    except (TypeError, ValueError):
        size_int = None
    sk = situations()
    stage, kind, date = tracker.get_slot("stage"), tracker.get_slot("employer_kind"), tracker.get_slot("event_date")
    return SituationState(
        grounds=tuple(dict.fromkeys(g for g in grounds if isinstance(g, str) and g in sk.grounds and g not in denied)),
        stage=stage if isinstance(stage, str) and stage in sk.stages else None,
        employer_kind=kind if isinstance(kind, str) and kind in sk.routes else None,
        employer_size=size_int,
        date=date if isinstance(date, str) else None,
    )


class ActionAnswer(Action):
    """Answers a legal message with a typed payload (tendik.payload): for the worker's situation
    when one is known and the message is about it, else the topic by intent, else hybrid retrieval;
    a "more" button opens a view of the last topic."""

    def name(self) -> str:
        return "action_answer"

    @staticmethod
    def _language(tracker: Tracker) -> str:
        """The slot the NLU pipeline set from the REST channel's decision; the metadata when the
        slot is missing (a direct call); else Russian."""
        lang = tracker.get_slot("language")
        if lang in LANGS:
            return str(lang)
        metadata = (tracker.latest_message or {}).get("metadata") or {}
        return str(metadata.get("language")) if metadata.get("language") in LANGS else "ru"

    @staticmethod
    def _retrieve(kb: KnowledgeBase, text: str, lang: str, nlu_top: str | None) -> AnswerPayload:
        try:
            from tendik.retrieval.search import get_searcher

            searcher = get_searcher()
            hits = searcher.search(text, lang, k=3)
        except Exception:  # noqa: BLE001 - never crash; say honestly we are unsure
            logger.exception("retrieval failed; answering 'unsure'")
            return unsure_payload(lang)
        if not hits:
            return unsure_payload(lang)
        top = hits[0]
        threshold = searcher.settings.threshold
        # An utterance the classifier leans to reading as small talk or off-topic needs a
        # clearly better match before it gets a legal citation.
        if nlu_top in NON_LEGAL_INTENTS:
            threshold += 0.1
        scores = {h.doc.doc_id: round(h.score, 4) for h in hits}
        if top.score < threshold:
            payload = unsure_payload(lang)
        elif top.doc.kind == "explanation":
            exp = kb.explanations[top.knowledge_id]
            payload = short_topic_answer(kb, exp, lang, lead_in=text_of("answer.retrieval_lead", lang), source="retrieval")
        else:
            payload = norm_payload(kb, top.knowledge_id, top.doc.paragraph, lang)
        payload.scores = scores
        return payload

    @staticmethod
    def _second_topic(kb: KnowledgeBase, message: dict[str, Any], exp: Explanation) -> Explanation | None:
        """The classifier's second reading when it is another topic at ALSO_FROM or more: a question
        between two topics ("после декрета не вернули на должность": the leave or the dismissal?) names both."""
        others = [r for r in message.get("intent_ranking") or []
                  if isinstance(r, dict) and isinstance(r.get("name"), str)
                  and r["name"] not in ("nlu_fallback", "inform_situation", exp.intent)]
        if not others:
            return None
        second = kb.by_intent(others[0]["name"])
        confidence = others[0].get("confidence")
        if second is None or not isinstance(confidence, (int, float)) or confidence < ALSO_FROM:
            return None
        return second

    @staticmethod
    def _last_topic(kb: KnowledgeBase, tracker: Tracker) -> Explanation | None:
        for kid in tracker.get_slot("last_knowledge") or []:
            if isinstance(kid, str) and kid in kb.explanations:
                return kb.explanations[kid]
        return None

    def _more(self, kb: KnowledgeBase, tracker: Tracker, entities: dict[str, list[Any]], lang: str,
              state: SituationState) -> AnswerPayload | None:
        """A "more" button (view + topic) or "подробнее" typed (the whole answer of the last topic)."""
        view = next((str(v) for v in entities.get("view", []) if v in VIEWS), None)
        topic = next((str(t) for t in entities.get("topic", []) if isinstance(t, str)), None)
        exp = kb.explanations.get(topic) if topic else None
        if topic and exp is None:
            return None
        exp = exp or self._last_topic(kb, tracker)
        if exp is None:
            return None
        page = next((int(p) for p in entities.get("page", []) if isinstance(p, (int, float, str)) and str(p).isdigit()), 1)
        return view_answer(kb, situations(), exp, view or "full", lang, state, page=min(page, 50))

    @staticmethod
    def _lesson(entities: dict[str, list[Any]], lang: str) -> AnswerPayload | None:
        """A lesson of the course as a payload, with where to take its quiz (Telegram opens the
        lesson itself, with quiz polls)."""
        from tendik.learning.course import default_course

        course = default_course()
        lesson = next(filter(None, (course.lesson(v) for v in entities.get("lesson", []) if isinstance(v, str))), None)
        if lesson is None:
            return None
        payload = course.payload(lesson, lang)
        payload.sections.append(Section(kind="note", text=text_of("answer.lesson_quiz", lang)))
        payload.buttons = more_buttons(lesson.topic, lang) if lesson.topic else []
        return payload

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        global _warm_started
        if not _warm_started:
            _warm_started = True
            warm_up_retrieval()
        kb = knowledge()
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        lang = self._language(tracker)
        text = message.get("text") or ""
        entities: dict[str, list[Any]] = {}
        for e in message.get("entities") or []:
            if isinstance(e, dict) and isinstance(e.get("entity"), str):
                entities.setdefault(e["entity"], []).append(e.get("value"))
        denied = {str(g) for g in entities.get("ground_not", [])}
        state = situation_state(tracker, denied)
        events: list[dict] = []
        if any(g in denied for g in slot_grounds(tracker)):
            events.append(SlotSet("grounds", list(state.grounds) or None))
        told_situation = bool(SITUATION_ENTITIES & entities.keys())
        told_employer = bool(EMPLOYER_ENTITIES & entities.keys())

        exp = kb.by_intent(intent) if intent else None
        if exp is not None and not text.startswith("/"):
            known, total = detector().known_words(text)
            if total and not known and not (told_situation or told_employer):
                # Not one word the classifier was trained on: its confidence means nothing here.
                logger.info("answer: no known words; intent %s ignored, searching instead", intent)
                exp = None
        # A ground or stage intent's topic comes from the situation; but "это дискриминация?" about a situation with no
        # ground told asks what discrimination is: that topic's norms (TK art. 6) are named and one tap away.
        asked_topic = exp.id if exp is not None and (intent not in GROUND_STAGE_INTENTS
                                                     or (intent in DEFINITION_INTENTS and not state.grounds)) else None
        in_form = tracker.active_loop_name == "selfcheck_form"
        # a detail of the stage this message tells (a probation extended) that a more precise paragraph answers
        detail = stage_detail(text, state.stage) if told_situation else None
        payload: AnswerPayload | None = None
        if intent == "show_more":
            payload = self._more(kb, tracker, entities, lang, state)
            if payload is None:
                dispatcher.utter_message(text=text_of("answer.more_unknown", lang))
                dispatcher.utter_message(response="utter_topics")
                return events
        elif intent == "open_lesson":
            payload = self._lesson(entities, lang)
            if payload is None:
                dispatcher.utter_message(text=text_of("answer.more_unknown", lang))
                return events
        elif state.known and intent in COMPLAINT_INTENTS and told_situation:
            # a situation told with "куда жаловаться?": the short answer for it, with where to go in it
            payload = situation_answer(kb, situations(), state, lang, route_asked=True, asked_law=exp is not None,
                                       asked_topic=asked_topic, offer_selfcheck=not in_form, detail=detail)
        elif state.known and intent in ROUTE_INTENTS:
            payload = route_view(kb, situations(), state, lang, topic=exp.id if exp else None)
        elif state.known and told_employer and not told_situation and intent in SITUATIONAL_INTENTS | {"nlu_fallback"}:
            # only the employer or the date changed: where to go and by when, for this employer
            payload = route_view(kb, situations(), state, lang)
        elif state.known and intent == "inform_situation" and not told_situation and not asks_question(text):
            # a follow-up that tells nothing the extractor reads ("у нас в отделении 8 человек" after a bank cashier's
            # story: a branch's headcount is not the employer's): the next step for the situation known, where to go
            # and by when, not the first answer again
            payload = route_view(kb, situations(), state, lang)
        elif state.known and intent in SITUATIONAL_INTENTS and (told_situation or intent == "inform_situation"):
            # a topic question ("можно ли ...?") keeps the line of the topic's other norms; a story told without
            # asking anything (even one classified as a topic) gets the next steps first (tendik.asking)
            payload = situation_answer(kb, situations(), state, lang,
                                       asked_law=intent != "inform_situation" and asks_question(text),
                                       asked_topic=asked_topic, offer_selfcheck=not in_form, detail=detail)
        elif exp is not None:
            # a question after a told situation quotes the paragraph of the topic that fits it
            told = situations().situation_paragraphs(state.grounds, state.stage) if state.known else []
            also = None if text.startswith("/") else self._second_topic(kb, message, exp)
            payload = short_topic_answer(kb, exp, lang, situation=told, also=also)
            payload.scores = {"intent_confidence": round(float((message.get("intent") or {}).get("confidence") or 0), 4)}
        elif intent == "inform_situation":
            # an employer or a date without a ground or stage yet: ask what happened
            # ... and offer the guided self-check, which asks it one question at a time
            offer = "\n\n".join([text_of("answer.situation_need_more", lang), text_of("selfcheck.form.offer", lang)])
            dispatcher.utter_message(text=offer, buttons=[{"title": text_of("selfcheck.form.button", lang), "payload": "/start_selfcheck"}])
            return events
        else:
            ranking = [r.get("name") for r in message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
            payload = self._retrieve(kb, text, lang, ranking[0] if ranking else None)
        if state.known and not payload.situation:
            payload.situation = state.as_dict()
        if payload.knowledge_ids and not in_form:
            # the guided self-check (tendik.actions.selfcheck) on every legal answer (a situation answer
            # lacking its ground or its stage offers it in words too: situation_answer(offer_selfcheck))
            payload.buttons.append(Button(text_of("selfcheck.form.button", lang), "/start_selfcheck"))
        # a person (tendik.actions.handoff): a button on every answer; after two answers in a row that
        # found nothing, offered in words too
        unanswered = 0 if payload.knowledge_ids else int(tracker.get_slot("unanswered_turns") or 0) + 1
        events.append(SlotSet("unanswered_turns", float(unanswered)))
        if unanswered >= 2:
            payload.sections.append(Section(kind="note", text=text_of("handoff.after_fallbacks", lang)))
        if tracker.active_loop_name is None:
            payload.buttons.append(Button(text_of("handoff.button", lang), "/request_human"))
        logger.info("answer: intent=%s source=%s view=%s knowledge=%s", intent, payload.source, payload.view, payload.knowledge_ids)
        for part in payload.parts(MESSAGE_MAX):  # no message longer than Telegram's 4,096 characters
            dispatcher.utter_message(text=part.plain_text(), json_message=part.to_dict(), buttons=[b.to_dict() for b in part.buttons])
        if not payload.knowledge_ids:
            dispatcher.utter_message(response="utter_topics")
        return [*events, SlotSet("last_knowledge", payload.knowledge_ids or None)]
