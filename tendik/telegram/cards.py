""""Know your rights" cards, built from the knowledge base only (no law text is written here).

A card = the topic's title + the explanation's first statements (whole, never cut; every "the base
holds nothing on this" statement always) + the key norm: the first paragraph those statements rest
on, cited in the standard form with its edition date and a short verbatim excerpt, marked as such
and cut at a sentence or word boundary with "…" (for an article a Constitutional Court note
concerns as a whole, such as TK art. 160, the excerpt is the notes themselves, verbatim) + the first
steps of the explanation's "what to do" + the disclaimer. Cards rotate per subscriber: each one in
turn, never the same card twice in a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tendik.answers import cite, language_note, stale_note
from tendik.compose import court_notes_excerpt
from tendik.knowledge.explanations import Explanation, KnowledgeBase, Statement
from tendik.telegram.html_text import escape
from tendik.telegram.texts import LANGS, t
from tendik.texts import text
from tendik.topics import MAIN

EXCERPT_CHARS = 320
STATEMENTS_CHARS = 650
STEPS_CHARS = 650
_STEP = re.compile(r"(?m)^\s*\d+\.\s")


@dataclass(frozen=True)
class Card:
    id: str  # the explanation id
    intent: str
    lang: str
    html: str  # Telegram HTML, escaped
    excerpt: str  # the verbatim excerpt (plain text, without the ellipsis)
    norm_id: str


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> tuple[str, bool]:
    """A verbatim excerpt of at most ``limit`` characters: whole lines' indentation dropped, cut at
    the last sentence end (or, failing that, word boundary) within the limit. Returns
    (excerpt, was_cut)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    flat = "\n".join(lines)
    if len(flat) <= limit:
        return flat, False
    window = flat[: limit + 1]
    sentence_ends = [m.end() for m in re.finditer(r"[.;:!?](?=\s)", window) if m.end() <= limit]
    if sentence_ends and sentence_ends[-1] >= limit * 0.4:
        return flat[: sentence_ends[-1]].rstrip(), True
    space = window.rfind(" ", 0, limit)
    newline = window.rfind("\n", 0, limit)
    cut = max(space, newline)
    if cut <= 0:
        cut = limit
    return flat[:cut].rstrip(" ,;:—-\n"), True


def first_steps(steps: str, limit: int = STEPS_CHARS) -> str:
    """Whole numbered steps of "what to do", as many as fit in ``limit`` (at least the first)."""
    starts = [m.start() for m in _STEP.finditer(steps)] or [0]
    items = [steps[a:b].strip() for a, b in zip(starts, starts[1:] + [len(steps)])]
    out: list[str] = []
    for item in items:
        if out and len("\n".join(out + [item])) > limit:
            break
        out.append(item)
    return "\n".join(out)


class CardDeck:
    """All cards of the knowledge base, in both languages, and the rotation rule."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        # The order topics are offered and rotated in: the assistant's main topic menu (tendik.topics);
        # the other topics after these.
        known = [exp.id for exp in (kb.by_intent(intent) for intent in MAIN) if exp is not None]
        self.ids: list[str] = known + sorted(set(kb.explanations) - set(known))

    def explanation(self, card_id: str) -> Explanation:
        return self.kb.explanations[card_id]

    def topics(self) -> list[Explanation]:
        return [self.kb.explanations[i] for i in self.ids]

    def card(self, card_id: str, lang: str) -> Card:
        return _render(self, card_id, lang if lang in LANGS else "ru")

    def next_card(self, last: str | None, seen: list[str] | None = None, preferred: str | None = None) -> str:
        """The card to send next: ``preferred`` if it is not the last one sent, else the first card
        (in topic order) not sent in this round, else a new round; never ``last`` again."""
        seen_set = set(seen or [])
        if preferred in self.ids and preferred != last:
            return preferred
        for card_id in self.ids:
            if card_id not in seen_set and card_id != last:
                return card_id
        for card_id in self.ids:
            if card_id != last:
                return card_id
        return self.ids[0]


def key_statements(exp: Explanation, lang: str, limit: int = STATEMENTS_CHARS) -> list[Statement]:
    """The explanation's summary statements in order, whole, while they fit in ``limit`` (at least
    one); a statement saying the base holds nothing on the question is never left out."""
    out: list[Statement] = []
    used = 0
    for st in exp.statements:
        size = len(st.text[lang])
        if st.says == "gap" or not out or used + size <= limit:
            out.append(st)
            used += size
    return out


@lru_cache(maxsize=256)
def _render(deck: CardDeck, card_id: str, lang: str) -> Card:
    exp = deck.kb.explanations[card_id]
    statements = key_statements(exp, lang)
    refs = [ref for st in statements for ref in st.rests_on] or exp.linked()
    key = refs[0]
    norm = deck.kb.norms[key.norm_id]
    citation = cite(deck.kb, key.norm_id, [key.paragraph], lang)[0]
    version, _ = norm.version(lang)
    if norm.whole_article_only():
        quote, was_cut = court_notes_excerpt(version.court_notes()), True
    else:
        quote, was_cut = excerpt(citation.text)
    head = citation.citation[0].upper() + citation.citation[1:]
    parts = [f"<b>{escape(t('card_title', lang, title=exp.title[lang]))}</b>"]
    parts.append(escape(" ".join(st.text[lang] for st in statements)))
    label = "card_notes" if norm.whole_article_only() else "card_norm"
    norm_html = f"<b>{escape(t(label, lang, citation=head, edition=citation.edition))}:</b>"
    norm_html += f"\n<blockquote>«{escape(quote)}{' …' if was_cut and not norm.whole_article_only() else ''}»</blockquote>"
    if citation.text_lang != lang:
        norm_html += "\n" + escape(language_note(citation.text_lang, lang))
    if citation.stale:
        norm_html += "\n" + escape(stale_note(citation, lang))
    parts.append(norm_html)
    parts.append(f"<b>{escape(t('card_steps', lang))}:</b>\n{escape(first_steps(exp.next_steps[lang]))}")
    parts.append(f"<i>{escape(text('answer.disclaimer', lang))}</i>")
    parts.append(escape(t("card_footer", lang)))
    return Card(id=card_id, intent=exp.intent, lang=lang, html="\n\n".join(parts), excerpt=quote, norm_id=key.norm_id)
