"""The content check anyone can run: every legal statement of every explanation traced to the
paragraphs it rests on, and every linked paragraph visible to the user, quoted or listed, in every
rendering: the first reply and every view one tap away (law page by page, steps, route, full) and
every situation reply, as the REST text, Telegram (HTML as the bot sends it), the widget (sections
and citation cards), and the Telegram outreach cards; the three-month direct-to-court reinstatement limit never
stated as valid law anywhere a user reads; TK art. 160's Constitutional Court notes shown wherever
art. 160 is quoted; the statutes' own terms in every text catalog and page.

    python bench/content_check.py          # prints each problem, exits 1 if there is any
    make content-check

The static part (statements, links, terms) is :mod:`tendik.knowledge.content_check`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from tendik.answers import explanation_citations
from tendik.compose import (
    MESSAGE_MAX,
    VIEWS,
    SituationState,
    norm_payload,
    route_view,
    short_topic_answer,
    situation_answer,
    view_answer,
)
from tendik.knowledge.content_check import THREE_MONTHS, WRONG_TERMS, Finding, states_three_month_limit, static_findings
from tendik.knowledge.explanations import LANGS, KnowledgeBase, load_knowledge
from tendik.knowledge.situations import SituationKnowledge, load_situations
from tendik.payload import AnswerPayload
from tendik.telegram.cards import CardDeck
from tendik.telegram.html_text import parse_html
from tendik.telegram.render import render_answer

ROOT = Path(__file__).resolve().parents[1]

# What the 88-НП note says in each language: shown wherever TK art. 160 is quoted.
COURT_NOTE_88 = {"ru": "№ 88-НП", "kk": "№ 88-НҚ"}


def flat(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Rendering:
    where: str
    lang: str
    visible: str  # what the user reads, whitespace-flattened
    verbatim: list[str]  # norm texts quoted verbatim in it (flattened)


def telegram_visible(p: AnswerPayload) -> str:
    """The text of the Telegram messages the bot sends for this payload (HTML as Telegram shows it)."""
    return "\n".join(parse_html(message) for message in render_answer(p))


def widget_visible(p: AnswerPayload) -> str:
    """What the widget shows of a payload: it renders the same structure (tendik-widget.js: each
    section's heading, text and items, each quoted citation as a card: title, edition, verbatim
    text, note); the browser tests in tests/web check the JS shows exactly these."""
    shown = []
    for s in p.sections:
        shown += [s.heading, s.text, *s.items]
        for n, i in enumerate(s.citations):
            c = p.citations[i]
            shown += [c.citation, c.edition, c.text, s.notes[n] if n < len(s.notes) else ""]
    return "\n".join(x for x in shown if x)


def channel_renderers() -> list[tuple[str, Callable[[AnswerPayload], str]]]:
    return [("Telegram", telegram_visible), ("widget", widget_visible)]


def _parts(payloads: Iterable[AnswerPayload]) -> list[AnswerPayload]:
    return [part for p in payloads for part in p.parts(MESSAGE_MAX)]


def topic_replies(kb: KnowledgeBase, sk: SituationKnowledge, exp, lang: str) -> list[AnswerPayload]:
    """Everything a user can read of a topic: the short first reply and every view one tap away
    (the law view page by page), as the messages the action sends."""
    replies = [short_topic_answer(kb, exp, lang)]
    for view in VIEWS:
        page = 1
        while True:
            reply = view_answer(kb, sk, exp, view, lang, page=page)
            replies.append(reply)
            if not any('"page"' in b.payload for b in reply.buttons) or page > 20:
                break
            page += 1
    return _parts(replies)


def situation_replies(kb: KnowledgeBase, sk: SituationKnowledge, lang: str) -> Iterator[tuple[str, list[AnswerPayload]]]:
    """Every first reply to a situation (each ground, each stage, each ground at each stage, with
    and without each employer kind, and asked where to complain) and every "where and by when" view."""
    kinds: list[str | None] = [None, *sk.routes]
    for ground in [None, *sk.grounds]:
        for stage in [None, *sk.stages]:
            if ground is None and stage is None:
                continue
            for kind in kinds if ground is None else [None]:
                state = SituationState(grounds=(ground,) if ground else (), stage=stage, employer_kind=kind)
                yield f"situation {ground}/{stage}/{kind}", _parts([situation_answer(kb, sk, state, lang)])
                # "... куда жаловаться?": the route sentence always in it
                yield f"situation+route {ground}/{stage}/{kind}", _parts([situation_answer(kb, sk, state, lang, route_asked=True)])
                if ground is None:
                    yield f"route {stage}/{kind}", _parts([route_view(kb, sk, state, lang)])


def renderings_of_payloads(where: str, lang: str, payloads: list[AnswerPayload]) -> Iterator[Rendering]:
    """What the user reads of these messages in each channel."""
    verbatim = [flat(c.text) for p in payloads for c in p.quoted()]
    yield Rendering(f"{where} REST ({lang})", lang, flat("\n".join(p.plain_text() for p in payloads)), verbatim)
    for channel, visible in channel_renderers():
        yield Rendering(f"{where} {channel} ({lang})", lang, flat("\n".join(visible(p) for p in payloads)), verbatim)


def renderings_of_explanations(kb: KnowledgeBase) -> Iterator[tuple[str, str, list, Rendering]]:
    sk = load_situations()
    for exp in kb.explanations.values():
        for lang in LANGS:
            cites = explanation_citations(kb, exp, lang)
            for r in renderings_of_payloads(exp.id, lang, topic_replies(kb, sk, exp, lang)):
                yield exp.id, lang, cites, r


def renderings_of_situations(kb: KnowledgeBase) -> Iterator[Rendering]:
    sk = load_situations()
    for lang in LANGS:
        for where, payloads in situation_replies(kb, sk, lang):
            yield from renderings_of_payloads(where, lang, payloads)


def renderings_of_norms(kb: KnowledgeBase) -> Iterator[Rendering]:
    """Every retrieval answer on a norm paragraph, as the REST text."""
    for norm in kb.norms.values():
        for lang in LANGS:
            version, _ = norm.version(lang)
            for key in [None, *version.paragraphs()]:
                payloads = _parts([norm_payload(kb, norm.id, key, lang)])
                yield Rendering(f"{norm.id}:{key} retrieval answer ({lang})", lang, flat("\n".join(p.plain_text() for p in payloads)),
                                [flat(c.text) for p in payloads for c in p.quoted()])


def renderings_of_cards(kb: KnowledgeBase) -> Iterator[Rendering]:
    deck = CardDeck(kb)
    for card_id in deck.ids:
        for lang in LANGS:
            card = deck.card(card_id, lang)
            yield Rendering(f"{card_id} card ({lang})", lang, flat(parse_html(card.html)), [flat(card.excerpt)])


def three_month_findings(r: Rendering) -> list[Finding]:
    """Outside the verbatim norm texts, a three-month limit is only mentioned together with the
    Constitutional Court's finding; a verbatim TK art. 160 always comes with its notes."""
    out = []
    rest = r.visible
    for v in sorted(r.verbatim, key=len, reverse=True):
        if v:
            rest = rest.replace(v, " ¶ ")
    for sentence in re.split(r"(?<=[.;!?»])\s+|¶", rest):
        if states_three_month_limit(sentence):
            out.append(Finding(r.where, f"states a three-month limit as valid law: {sentence.strip()[:100]!r}"))
    if any("160" in v and THREE_MONTHS.search(v) for v in r.verbatim) and COURT_NOTE_88[r.lang] not in r.visible:
        out.append(Finding(r.where, "quotes TK art. 160 without the Constitutional Court's note No. 88"))
    return out


def visibility_findings(cites: list, r: Rendering) -> list[Finding]:
    out = []
    for c in cites:
        cited = flat(c.citation[0].upper() + c.citation[1:])
        if flat(c.text) in r.visible or cited in r.visible or flat(c.citation) in r.visible:
            continue
        out.append(Finding(r.where, f"{c.norm_id}:{c.paragraph or '0'} is neither quoted nor listed"))
    return out


def card_findings(kb: KnowledgeBase) -> list[Finding]:
    out = []
    deck = CardDeck(kb)
    for card_id in deck.ids:
        exp = kb.explanations[card_id]
        for lang in LANGS:
            visible = flat(parse_html(deck.card(card_id, lang).html))
            for st in exp.statements:
                if st.says == "gap" and flat(st.text[lang]) not in visible:
                    out.append(Finding(f"{card_id} card ({lang})", "drops a statement that the base holds nothing on the question"))
    return out


def catalog_texts() -> Iterator[tuple[str, str, str]]:
    """(where, lang, text) of every fixed text a user reads outside the explanations."""
    responses = yaml.safe_load((ROOT / "nlu_data" / "domain" / "responses.yml").read_text(encoding="utf-8"))
    for name, variations in (responses.get("responses") or {}).items():
        for n, v in enumerate(variations):
            lang = next((c.get("value") for c in v.get("condition") or [] if c.get("name") == "language"), None)
            texts = [v.get("text") or ""] + [b.get("title") or "" for b in v.get("buttons") or []]
            for text in texts:
                for one in ([lang] if lang else list(LANGS)):
                    yield f"responses.yml {name} #{n}", one, text
    from tendik.text_catalog import CATALOG

    for key, variants in CATALOG.items():
        for lang, text in variants.items():
            yield f"tendik/text_catalog.py {key}", lang, text
    for page in sorted((ROOT / "tendik" / "web" / "static").rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        declared = re.search(r"<html[^>]*\blang=\"(\w+)\"", html)
        yield str(page.relative_to(ROOT)), declared.group(1) if declared else "", re.sub(r"<[^>]+>", " ", html)


def catalog_findings() -> list[Finding]:
    out = []
    for where, lang, text in catalog_texts():
        if lang not in LANGS:
            continue
        for pattern, right in WRONG_TERMS[lang]:
            if pattern.search(text):
                out.append(Finding(where, f"({lang}) uses {pattern.pattern!r}; the statutes say {right}"))
        r = Rendering(where, lang, flat(text), [])
        out.extend(f for f in three_month_findings(r) if "without the Constitutional" not in f.problem)
    return out


def render_findings(kb: KnowledgeBase) -> list[Finding]:
    out: list[Finding] = []
    for _exp_id, _lang, cites, r in renderings_of_explanations(kb):
        out.extend(visibility_findings(cites, r))
        out.extend(three_month_findings(r))
    for r in renderings_of_norms(kb):
        out.extend(three_month_findings(r))
    for r in renderings_of_situations(kb):
        out.extend(three_month_findings(r))
    for r in renderings_of_cards(kb):
        out.extend(three_month_findings(r))
    out.extend(card_findings(kb))
    out.extend(catalog_findings())
    return out


def main() -> int:
    kb = load_knowledge()
    findings = static_findings(kb) or render_findings(kb)
    for f in findings:
        print(f)
    statements = sum(len(e.all_statements()) for e in kb.explanations.values())
    print(
        f"{len(kb.explanations)} explanations, {statements} statements, {len(kb.norms)} norms, "
        f"renderings: REST, Telegram, widget, cards (kk, ru); {len(findings)} problems",
        file=sys.stderr,
    )
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
