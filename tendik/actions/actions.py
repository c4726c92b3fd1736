"""Custom Rasa actions: choosing the reply language, and answering from the knowledge base.

Heavy things (the knowledge base, the sentence encoder, the FAISS index) load lazily on first use:
rasa-sdk 3.21 breaks if torch is imported while the server starts (see RASA-NOTES).
No user text is written to the logs.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from tendik.answers import Answer, explanation_answer, norm_answer, unsure_answer
from tendik.knowledge.explanations import KnowledgeBase, load_knowledge
from tendik.knowledge.norms import ROOT
from tendik.lang import LanguageDetector, requested_language

logger = logging.getLogger(__name__)

NON_LEGAL_INTENTS = {"greet", "goodbye", "thanks", "help", "out_of_scope", "chitchat", "switch_language", "more_topics"}
# Detection below this confidence keeps the language the conversation already has.
DETECT_MIN_CONFIDENCE = 0.7

_kb: KnowledgeBase | None = None
_detector: LanguageDetector | None = None
_lock = threading.Lock()


def knowledge() -> KnowledgeBase:
    global _kb
    with _lock:
        if _kb is None:
            _kb = load_knowledge()
        return _kb


def detector() -> LanguageDetector:
    global _detector
    with _lock:
        if _detector is None:
            path = os.environ.get("TENDIK_LANGID_MODEL") or str(ROOT / "build" / "langid.json")
            _detector = LanguageDetector.load(Path(path))
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


def choose_language(tracker: Tracker) -> tuple[str | None, str | None]:
    """(reply language, sticky preference) for the latest user message."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    intent = (message.get("intent") or {}).get("name")
    metadata = message.get("metadata") or {}
    current = tracker.get_slot("language")
    pref = tracker.get_slot("language_pref")

    if intent == "switch_language":
        wanted = requested_language(text)
        if wanted is None:  # "смени язык" without saying which: toggle
            wanted = "ru" if (pref or current) == "kk" else "kk"
        return wanted, wanted
    if metadata.get("language") in ("kk", "ru"):
        return metadata["language"], pref
    if pref:
        return pref, pref
    if text.startswith("/"):  # a button payload carries no language
        return current, pref
    detected, confidence = detector().detect(text)
    if detected and (confidence >= DETECT_MIN_CONFIDENCE or current is None):
        return detected, pref
    return current, pref


class ActionDetectLanguage(Action):
    """Fills `language` (and `language_pref`) after every user message (custom slot mapping)."""

    def name(self) -> str:
        return "action_detect_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        global _warm_started
        if not _warm_started:
            _warm_started = True
            warm_up_retrieval()
        language, pref = choose_language(tracker)
        return [SlotSet("language", language), SlotSet("language_pref", pref)]


class ActionAnswer(Action):
    """Answers a legal question: by intent from the explanations, else by hybrid retrieval."""

    def name(self) -> str:
        return "action_answer"

    @staticmethod
    def _language(tracker: Tracker) -> str:
        lang = tracker.get_slot("language")
        if lang in ("kk", "ru"):
            return lang
        detected, _ = detector().detect((tracker.latest_message or {}).get("text") or "")
        return detected or "ru"

    @staticmethod
    def _retrieve(kb: KnowledgeBase, text: str, lang: str, nlu_top: str | None) -> Answer:
        try:
            from tendik.retrieval.search import get_searcher

            searcher = get_searcher()
            hits = searcher.search(text, lang, k=3)
        except Exception:  # noqa: BLE001 - never crash; say honestly we are unsure
            logger.exception("retrieval failed; answering 'unsure'")
            return unsure_answer(lang)
        if not hits:
            return unsure_answer(lang)
        top = hits[0]
        threshold = searcher.settings.threshold
        # An utterance the classifier leans to reading as small talk or off-topic needs a
        # clearly better match before it gets a legal citation.
        if nlu_top in NON_LEGAL_INTENTS:
            threshold += 0.1
        scores = {h.doc.doc_id: round(h.score, 4) for h in hits}
        if top.score < threshold:
            answer = unsure_answer(lang)
        elif top.doc.kind == "explanation":
            exp = kb.explanations[top.knowledge_id]
            answer = explanation_answer(kb, exp, lang, lead=None)
            answer.text = _lead(lang) + "\n\n" + answer.text
            answer.source = "retrieval"
        else:
            answer = norm_answer(kb, top.knowledge_id, top.doc.paragraph, lang)
        answer.scores = scores
        return answer

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        kb = knowledge()
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        lang = self._language(tracker)
        exp = kb.by_intent(intent) if intent else None
        text = message.get("text") or ""
        if exp is not None and not text.startswith("/"):
            known, total = detector().known_words(text)
            if total and not known:
                # Not one word the classifier was trained on: its confidence means nothing here.
                logger.info("answer: no known words; intent %s ignored, searching instead", intent)
                exp = None
        if exp is not None:
            answer = explanation_answer(kb, exp, lang)
            answer.scores = {"intent_confidence": round(float((message.get("intent") or {}).get("confidence") or 0), 4)}
        else:
            ranking = [r.get("name") for r in message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
            answer = self._retrieve(kb, text, lang, ranking[0] if ranking else None)
        logger.info("answer: intent=%s source=%s knowledge=%s", intent, answer.source, answer.knowledge_ids)
        dispatcher.utter_message(text=answer.text, json_message=answer.payload())
        if not answer.knowledge_ids:
            dispatcher.utter_message(response="utter_topics")
        return [SlotSet("last_knowledge", answer.knowledge_ids or None)]


def _lead(lang: str) -> str:
    from tendik.answers import T

    return T["retrieval_lead"]["kk" if lang == "kk" else "ru"]
