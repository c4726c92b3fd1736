"""Custom Rasa actions: answering from the knowledge base. The reply language is not decided here:
the REST channel decides it once per message and the NLU pipeline puts it in the ``language`` slot.

Heavy things (the knowledge base, the sentence encoder, the FAISS index) load lazily on first use:
rasa-sdk 3.21 breaks if torch is imported while the server starts (see RASA-NOTES).
No user text is written to the logs.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from tendik.answers import Answer, explanation_answer, norm_answer, unsure_answer
from tendik.knowledge.explanations import KnowledgeBase, load_knowledge
from tendik.lang import LANGS, LanguageDetector
from tendik.paths import langid_model

logger = logging.getLogger(__name__)

NON_LEGAL_INTENTS = {"greet", "goodbye", "thanks", "help", "out_of_scope", "chitchat", "switch_language", "more_topics"}
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


class ActionAnswer(Action):
    """Answers a legal question: by intent from the explanations, else by hybrid retrieval."""

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
        global _warm_started
        if not _warm_started:
            _warm_started = True
            warm_up_retrieval()
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
