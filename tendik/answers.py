"""Compose the bot's answers: explanation + verbatim norm paragraphs + citations + disclaimer.

Every statement about the law in an answer is either the project's explanation (linked to the
norms it rests on) or a verbatim paragraph of a stored norm, cited in the standard form with its
edition date. Out-of-scope replies never carry a citation.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from tendik.citation import Citation
from tendik.knowledge.explanations import Explanation, KnowledgeBase
from tendik.knowledge.norms import displayed_key, format_edition, is_stale, paragraph_for_display
from tendik.texts import has, section, text

logger = logging.getLogger(__name__)

# Verbatim paragraphs are quoted in the answer text in the explanation's order until this many
# characters are quoted (at least one paragraph; an article a Constitutional Court note concerns as
# a whole is always quoted whole). Every other linked paragraph is listed by its citation, so none
# disappears; all are in the structured citations.
QUOTE_BUDGET = 1800

# Kept for callers that read ``T["retrieval_lead"][lang]`` (tendik.actions): a view of the catalog's
# answer.* texts; everything else uses ``tendik.texts.text("answer.<key>", lang)``.
T: dict[str, dict[str, str]] = section("answer")


@dataclass
class Answer:
    text: str
    knowledge_ids: list[str]
    citations: list[Citation] = field(default_factory=list)
    source: str = "intent"
    scores: dict[str, float] = field(default_factory=dict)
    # Names this answer for votes and reviews (stored by Rasa with the bot message).
    answer_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def payload(self) -> dict[str, Any]:
        return {
            "type": "tendik_answer",
            "answer_id": self.answer_id,
            "source": self.source,
            "knowledge_ids": self.knowledge_ids,
            "citations": [c.as_dict() for c in self.citations],
            "scores": self.scores,
        }


def _lang(lang: str | None) -> str:
    return "kk" if lang == "kk" else "ru"


def cite(kb: KnowledgeBase, norm_id: str, paragraphs: list[str], lang: str) -> list[Citation]:
    """One citation per paragraph (``[]``: the whole article). The citation names what is really
    shown: an article only ever shown whole is cited without a paragraph."""
    norm = kb.norms[norm_id]
    version, _ = norm.version(lang)
    out = []
    keys: list[str | None] = list(paragraphs) if paragraphs else [None]
    for para in keys:
        key = displayed_key(version, para)
        out.append(
            Citation(
                norm_id=norm_id,
                citation=norm.citation(lang, key),
                paragraph=key,
                edition=format_edition(version, lang),
                edition_date=".".join(reversed(version.edition.split("-"))) if version.edition else "",
                text=paragraph_for_display(version, key),
                text_lang=version.lang,
                source_url=version.source_url,
                stale=is_stale(version),
            )
        )
    return out


def explanation_citations(kb: KnowledgeBase, exp: Explanation, lang: str) -> list[Citation]:
    """The explanation's linked paragraphs as citations, in its order, without repeats (two keys of an
    article shown whole are one citation)."""
    out: list[Citation] = []
    for link in exp.norms:
        for c in cite(kb, link.id, link.paragraphs, lang):
            if all((c.norm_id, c.paragraph) != (o.norm_id, o.paragraph) for o in out):
                out.append(c)
    return out


def split_quoted(kb: KnowledgeBase, citations: list[Citation], budget: int = QUOTE_BUDGET) -> tuple[list[Citation], list[Citation]]:
    """(quoted, listed): quote in order while the budget lasts (at least one), always quote an article
    that is only ever shown whole; list the rest."""
    quoted: list[Citation] = []
    listed: list[Citation] = []
    used = 0
    for c in citations:
        whole = kb.norms[c.norm_id].whole_article_only()
        if whole or not quoted or used + len(c.text) <= budget:
            quoted.append(c)
            used += len(c.text)
        else:
            listed.append(c)
    return quoted, listed


def language_note(text_lang: str, lang: str) -> str:
    """"(the norm's text is in the base only in: <language>)", for a paragraph shown in ``text_lang``."""
    name = text(f"answer.lang_name.{text_lang}", lang) if has(f"answer.lang_name.{text_lang}") else text_lang
    return text("answer.lang_fallback", lang, lang=name)


def stale_note(c: Citation, lang: str) -> str:
    """The warning under a paragraph whose stored edition may be out of date."""
    return text("answer.stale", lang, date=c.edition_date)


def _quote(c: Citation, lang: str) -> str:
    head = f"• {c.citation[0].upper()}{c.citation[1:]}, {c.edition}"
    if c.text_lang != lang:
        head += " " + language_note(c.text_lang, lang)
    body = f"{head}:\n«{c.text}»"
    if c.stale:
        body += "\n" + stale_note(c, lang)
    return body


def _listed(c: Citation) -> str:
    return f"{c.citation[0].upper()}{c.citation[1:]}, {c.edition}"


def explanation_answer(kb: KnowledgeBase, exp: Explanation, lang: str | None, lead: str | None = None) -> Answer:
    lang = _lang(lang)
    citations = explanation_citations(kb, exp, lang)
    quoted, listed = split_quoted(kb, citations)
    parts = []
    if lead:
        parts.append(lead)
    parts.append(f"📌 {exp.title[lang]}")
    parts.append(exp.summary[lang])
    parts.append(f"📖 {text('answer.law', lang)}:\n" + "\n\n".join(_quote(c, lang) for c in quoted))
    if listed:
        parts.append(f"{text('answer.see_also', lang)}:\n" + "\n".join(f"– {_listed(c)}" for c in listed))
    parts.append(f"✅ {text('answer.steps', lang)}:\n{exp.next_steps[lang]}")
    if exp.caveats.get(lang):
        parts.append(f"⚠️ {exp.caveats[lang]}")
    parts.append(text("answer.disclaimer", lang))
    ids = [exp.id] + list(dict.fromkeys(link.id for link in exp.norms))
    return Answer(text="\n\n".join(parts), knowledge_ids=ids, citations=citations)


def norm_answer(kb: KnowledgeBase, norm_id: str, paragraph: str | None, lang: str | None) -> Answer:
    """A retrieval hit on a norm paragraph: show it verbatim, cited, with the disclaimer."""
    lang = _lang(lang)
    citations = cite(kb, norm_id, [paragraph] if paragraph and paragraph != "0" else [], lang)
    parts = [text("answer.retrieval_norm_lead", lang), f"📖 {text('answer.law', lang)}:\n" + _quote(citations[0], lang)]
    exp = kb.explanation_for_norm(norm_id)
    if exp:
        parts.append(f"{text('answer.more_on_topic', lang)}: «{exp.title[lang]}».")
    parts.append(text("answer.disclaimer", lang))
    return Answer(text="\n\n".join(parts), knowledge_ids=[norm_id], citations=citations, source="retrieval")


def unsure_answer(lang: str | None) -> Answer:
    return Answer(text=text("answer.unsure", _lang(lang)), knowledge_ids=[], source="none")
