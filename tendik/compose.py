"""Compose the bot's answers as typed payloads (:mod:`tendik.payload`) from reviewed content only:
explanations (knowledge/explanations), situation phrases (knowledge/situations) and verbatim norm
paragraphs, never free-generated law.

* :func:`short_topic_answer`: the first reply to a topic question: the explanation's lead, the one
  paragraph it rests on (verbatim, with its edition), up to three next steps, a short disclaimer,
  and buttons for the rest.
* :func:`situation_answer`: the first reply to a worker's situation: their ground and stage named,
  2-4 sentences of what the law provides for them (the phrases for their ground, stage, the
  combination, and the route when the employer is known), the paragraph that names the ground or
  stage, up to three next steps.
* :func:`view_answer`: what the buttons open: ``law`` (every linked paragraph verbatim), ``steps``
  (everything to do, the caveats), ``route`` (where to go and by when, for the worker's employer and
  stage), ``full`` (the whole explanation).
First replies aim at 700 visible characters (steps and the "see also" line of the other norms are added
while they fit; a topic question gets the line first, up to 1,000: see :func:`situation_answer`; the rest
are one tap away);
TK art. 160 is never quoted without its Constitutional Court notes, and whenever a time limit is
stated its notes are quoted.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tendik.answers import QUOTE_BUDGET, cite, explanation_citations, language_note, split_quoted, stale_note
from tendik.citation import Citation
from tendik.common.buttons import show_more_payload
from tendik.knowledge.explanations import Explanation, KnowledgeBase, ParagraphRef, Statement
from tendik.knowledge.norms import format_articles
from tendik.knowledge.situations import ANY, SituationKnowledge
from tendik.payload import AnswerPayload, Button, Section
from tendik.texts import text

logger = logging.getLogger(__name__)

FIRST_REPLY_BUDGET = 700  # visible characters the first reply aims at (buttons excluded)
FIRST_REPLY_MAX = 1000  # ... and stays under: an answer to a question drops the related-norms line past this
MAX_STEPS = 3
QUOTE_MAX = 500  # a paragraph longer than this is not the one a short reply quotes if another fits
ALSO_FROM = 0.2  # the classifier's second topic at this confidence or more is named too (other_reading)
ALSO_NORMS_MAX = 2  # paragraphs of that topic's lead named in its line
OTHER_CODES_MAX = 2  # acts named in the first reply's "see also" line (all of them: the law view)
VIEWS = ("law", "steps", "route", "full")


def _lang(lang: str | None) -> str:
    return "kk" if lang == "kk" else "ru"


@dataclass(frozen=True)
class SituationState:
    """What the conversation knows of the worker's situation (from the Rasa slots)."""

    grounds: tuple[str, ...] = ()
    stage: str | None = None
    employer_kind: str | None = None
    employer_size: int | None = None
    date: str | None = None  # ISO date of the event, if told

    @property
    def known(self) -> bool:
        return bool(self.grounds or self.stage)

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in {"grounds": list(self.grounds), "stage": self.stage, "employer_kind": self.employer_kind,
                                  "employer_size": self.employer_size, "date": self.date}.items() if v not in (None, [], ())}


@dataclass
class _Builder:
    """Collects sections and the citations they quote (each citation once)."""

    lang: str
    sections: list[Section] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)

    def add(self, kind: str, text_: str = "", heading: str = "", items: Iterable[str] = ()) -> None:
        self.sections.append(Section(kind=kind, heading=heading, text=text_, items=list(items)))

    def quote(self, kb: KnowledgeBase, citations: list[Citation], heading: str | None = None) -> None:
        """A law section quoting ``citations`` (heading None: "What the law says"; "": none)."""
        idx, notes = [], []
        for c in citations:
            existing = next((i for i, o in enumerate(self.citations) if (o.norm_id, o.paragraph, o.text) == (c.norm_id, c.paragraph, c.text)), None)
            if existing is None:
                self.citations.append(c)
                existing = len(self.citations) - 1
            idx.append(existing)
            notes.append(_note(c, self.lang))
        law = text("answer.law", self.lang) if heading is None else heading
        self.sections.append(Section(kind="law", heading=law, citations=idx, notes=notes))

    def payload(self, **kw: object) -> AnswerPayload:
        return AnswerPayload(lang=self.lang, sections=self.sections, citations=self.citations, **kw)  # type: ignore[arg-type]


def _note(c: Citation, lang: str) -> str:
    lines = []
    if c.text_lang != lang:
        lines.append(language_note(c.text_lang, lang))
    if c.stale:
        lines.append(stale_note(c, lang))
    return "\n".join(lines)


def _join(statements: Iterable[Statement], lang: str) -> str:
    return " ".join(st.text[lang] for st in statements if st.text.get(lang))


def court_notes_excerpt(text_lines: list[str]) -> str:
    """The Constitutional Court notes of an article, verbatim, each text once and each resolution's
    first note only (an article may repeat a resolution's note for each paragraph it concerns)."""
    out: list[str] = []
    resolutions: set[str] = set()
    for line in text_lines:
        number = re.search(r"№\s*(\d+-Н[ПҚ])", line)
        if line in out or (number and number.group(1) in resolutions):
            continue
        if number:
            resolutions.add(number.group(1))
        out.append(line)
    return "\n".join(out)


def court_notes_citation(kb: KnowledgeBase, norm_id: str, lang: str) -> Citation:
    """An article only ever shown whole (TK art. 160) in a short reply: its Constitutional Court
    notes, verbatim (each resolution's first note and each text once), cited as the article."""
    whole = cite(kb, norm_id, [], lang)[0]
    version, _ = kb.norms[norm_id].version(lang)
    return Citation(
        norm_id=whole.norm_id, citation=whole.citation, paragraph=None, edition=whole.edition, edition_date=whole.edition_date,
        text=court_notes_excerpt(version.court_notes()), text_lang=whole.text_lang, source_url=whole.source_url, stale=whole.stale,
    )


def short_citation(kb: KnowledgeBase, ref: ParagraphRef, lang: str) -> Citation:
    """The paragraph to quote in a short reply (an article shown only whole: its court notes)."""
    if kb.norms[ref.norm_id].whole_article_only():
        return court_notes_citation(kb, ref.norm_id, lang)
    return cite(kb, ref.norm_id, [ref.paragraph], lang)[0]


def _more_button(topic: str, view: str, title: str, page: int | None = None) -> Button:
    return Button(title, show_more_payload(view, topic, page))


@functools.lru_cache(maxsize=1)
def _lessons_by_topic() -> dict[str, str]:
    """topic (explanation id) -> the first lesson that teaches it (knowledge/lessons)."""
    from tendik.knowledge.lessons import load_lessons

    out: dict[str, str] = {}
    for lesson in sorted(load_lessons(), key=lambda x: x.order):
        if lesson.topic:
            out.setdefault(lesson.topic, lesson.id)
    return out


def lesson_button(topic: str | None, lang: str) -> list[Button]:
    """The lesson that teaches this topic, one tap away (issue 13: answers offer the lesson)."""
    lesson = _lessons_by_topic().get(topic or "")
    if not lesson:
        return []
    payload = "/open_lesson" + json.dumps({"lesson": lesson}, separators=(",", ":"))
    return [Button(text("answer.button.lesson", lang), payload)]


def more_buttons(topic: str | None, lang: str, views: Iterable[str] = ("law", "steps", "route")) -> list[Button]:
    if not topic:
        return []
    return [_more_button(topic, view, text(f"answer.button.{view}", lang)) for view in views]


def _length(p: AnswerPayload) -> int:
    return len(p.plain_text())


def _fits(builder: _Builder, extra: list[Section], finish: list[Section], limit: int = FIRST_REPLY_BUDGET) -> bool:
    """Whether the builder's sections, then ``extra``, then ``finish`` stay within ``limit`` visible characters."""
    trial = builder.payload()
    trial.sections = [*builder.sections, *extra, *finish]
    return _length(trial) <= limit


def _steps_that_fit(builder: _Builder, steps: list[Statement], lang: str, finish: list[Section]) -> list[Section]:
    """Up to three steps, while the builder's sections with them and ``finish`` stay within the budget
    (as a steps section, or none). Steps that do not fit are one tap away (the "what to do" button)."""
    chosen: list[str] = []
    for st in steps[:MAX_STEPS]:
        section = Section(kind="steps", heading=text("answer.steps", lang), items=[*chosen, st.text[lang]])
        if not _fits(builder, [section], finish):
            break
        chosen.append(st.text[lang])
    return [Section(kind="steps", heading=text("answer.steps", lang), items=chosen)] if chosen else []


def _fill_steps(builder: _Builder, steps: list[Statement], lang: str, finish: list[Section], **kw: object) -> AnswerPayload:
    """Add the steps that fit (:func:`_steps_that_fit`), then the closing sections."""
    builder.sections += [*_steps_that_fit(builder, steps, lang, finish), *finish]
    return builder.payload(**kw)


def norms_line(kb: KnowledgeBase, exp: Explanation | None, quoted: list[Citation], lang: str) -> tuple[str, list[Citation]]:
    """The other norms the topic rests on, as one compact line by act ("ТК РК — ст. 22, 23; УК РК —
    ст. 152" / «ҚР ЕК — 22, 23-баптар»), at most OTHER_CODES_MAX acts, and their paragraph citations
    (their text is one tap away: the law view)."""
    if exp is None:
        return "", []
    shown = {c.norm_id for c in quoted}
    others = [c for c in explanation_citations(kb, exp, lang) if c.norm_id not in shown]
    line, named = _articles_line(kb, others, lang)
    return line, [c for c in others if kb.norms[c.norm_id].code in named]


def _articles_line(kb: KnowledgeBase, citations: list[Citation], lang: str) -> tuple[str, list[str]]:
    """Cited norms as one compact line by act ("ТК РК — ст. 99, 100" / «ҚР ЕК — 99, 100-баптар»), at most
    OTHER_CODES_MAX acts, and the codes of the acts it names."""
    by_code: dict[str, list[str]] = {}
    for c in citations:
        norm = kb.norms[c.norm_id]
        articles = by_code.setdefault(norm.code, [])
        if norm.article not in articles:
            articles.append(norm.article)
    named = list(by_code)[:OTHER_CODES_MAX]
    return "; ".join(format_articles(code, by_code[code], lang) for code in named), named


def _lead_refs(exp: Explanation) -> list[ParagraphRef]:
    """The paragraphs the topic's lead rests on, in order, once each (else its first linked paragraph)."""
    lead = exp.lead or exp.statements[:1]
    return list(dict.fromkeys(r for st in lead for r in st.rests_on)) or exp.linked()[:1]


def other_reading(kb: KnowledgeBase, exp: Explanation, lang: str) -> tuple[Section, list[Citation], Button]:
    """The topic a question may also be about (the classifier's second reading, :data:`ALSO_FROM`): a line
    naming that topic and the norms its lead rests on ("Если вы спрашивали о другом: Декрет и отпуск по уходу
    за ребёнком — ТК РК — ст. 99, 100"), their paragraph citations, and a button that opens its answer."""
    cites = [short_citation(kb, r, lang) for r in _lead_refs(exp)[:ALSO_NORMS_MAX]]
    line = f"{exp.title[lang]}: {_articles_line(kb, cites, lang)[0]}" if cites else exp.title[lang]
    section = Section(kind="see_also", heading=text("answer.also_topic", lang), text=line)
    return section, cites, Button(exp.title[lang], "/" + exp.intent)


def _ids(topic: str | None, citations: list[Citation]) -> list[str]:
    return list(dict.fromkeys([*([topic] if topic else []), *(c.norm_id for c in citations)]))


# ---------------------------------------------------------------- first replies
def short_topic_answer(kb: KnowledgeBase, exp: Explanation, lang: str | None, lead_in: str | None = None,
                       source: str = "intent", situation: Iterable[ParagraphRef] = (),
                       also: Explanation | None = None) -> AnswerPayload:
    """The first reply to a topic question. ``situation``: the paragraphs of the situation the worker
    told before (:meth:`SituationKnowledge.situation_paragraphs`): "а штраф будет?" after an unequal-pay
    story quotes the lead's paragraph on that fine (КоАП 90(1)), not its shortest (90(3), job ads).
    ``also``: another topic the question may be about (:func:`other_reading`): its line comes before the
    disclaimer (a step gives way to it) while the reply stays within FIRST_REPLY_MAX, and its button after the topic's."""
    lang = _lang(lang)
    b = _Builder(lang)
    if lead_in:
        b.add("lead", lead_in)
    b.add("title", exp.title[lang])
    lead = exp.lead or exp.statements[:1]
    b.add("lead", _join(lead, lang))
    # the first paragraph the lead rests on that the told situation rests on too; else the first one
    # (the one it names), unless it is too long for a short reply: then the shortest
    refs, wanted = _lead_refs(exp), set(situation)
    told = [r for r in refs if r in wanted]
    quotes = [short_citation(kb, r, lang) for r in (told[:1] or refs)]
    quotes = [next((c for c in quotes if len(c.text) <= QUOTE_MAX), min(quotes, key=lambda c: len(c.text)))]
    b.quote(kb, quotes, heading="")
    if kb.norms[quotes[0].norm_id].whole_article_only():
        b.add("note", text("answer.court_notes", lang))
    line, others = norms_line(kb, exp, quotes, lang)
    if line:
        b.add("see_also", line, heading=text("answer.other_norms", lang))
    finish = [Section(kind="disclaimer", text=text("answer.disclaimer_short", lang))]
    also_cites: list[Citation] = []
    also_button: list[Button] = []
    if also is not None and also.id != exp.id:
        section, cites, button = other_reading(kb, also, lang)
        also_button = [button]
        if _fits(b, [section], finish, limit=FIRST_REPLY_MAX):  # else only its button: the reply is long already
            finish.insert(0, section)
            also_cites = cites
    payload = _fill_steps(b, exp.steps, lang, finish, topic=exp.id, source=source, view="short")
    payload.citations = [*payload.citations, *others, *also_cites]
    payload.buttons = [*more_buttons(exp.id, lang), *lesson_button(exp.id, lang), *also_button]
    payload.knowledge_ids = _ids(exp.id, payload.citations)
    return payload


def situation_answer(kb: KnowledgeBase, sk: SituationKnowledge, state: SituationState, lang: str | None,
                     route_asked: bool = False, asked_law: bool = False, asked_topic: str | None = None,
                     offer_selfcheck: bool = False, detail: str | None = None) -> AnswerPayload:
    """The first reply to a described situation (``state.known``). ``detail``: a detail of the stage the
    message told (:func:`tendik.situation.stage_detail`, a probation extended): with no ground told, its
    phrase, paragraph and steps answer instead of the stage's. ``route_asked``: the message also asks
    where to complain ("... куда жаловаться?"): the employer's route sentence is always in it (the
    route view, one tap away, has the rest). ``asked_law``: the message asks what the law says (a topic
    question, "можно ли уволить беременную?"): the line naming the topic's other norms comes before the
    steps and stays up to FIRST_REPLY_MAX characters; for a story told ("меня уволили, потому что ...")
    the next steps come first and the line only within FIRST_REPLY_BUDGET (a second or third step gives way
    to it; or, when the quoted paragraph alone fills that budget so no step fits, within FIRST_REPLY_MAX). ``asked_topic``: the topic the
    question was recognised as when it is not a ground or a stage itself (equal pay, language at work, the
    labour inspection ...): the reply still answers the situation (its phrase and paragraph), and the line
    and the buttons are that topic's, so the norms of what was asked are named and one tap away.
    ``offer_selfcheck``: when the situation lacks its ground or its stage, the reply offers the guided
    self-check in words (a note before the disclaimer, counted in the budget like the disclaimer)."""
    lang = _lang(lang)
    grounds = [sk.grounds[g] for g in state.grounds if g in sk.grounds]
    stage = sk.stages.get(state.stage or "")
    told = stage.details.get(detail or "") if stage and not grounds else None
    specific = sk.specific(tuple(g.id for g in grounds), stage.id if stage else None) if (grounds or stage) else None
    # "Ваш случай: возраст; увольнение." (the ground names, then the stage's: the lead sentence says the rest)
    parts = [", ".join(g.name[lang] for g in grounds)] if grounds else []
    if stage:
        parts.append(stage.name[lang])
    case = "; ".join(parts)
    b = _Builder(lang)
    b.add("situation", case + ".", heading=text("answer.your_case", lang))
    # One sentence of what the law provides: the combination's phrase when the law says something
    # more precise for it, else the ground's (the quoted paragraph names it), else the stage's. A known
    # employer's route (TK art. 159) and a second ground's sentence follow while the reply stays within
    # its budget (the case line names that ground anyway; the route and law views have the rest).
    phrases: list[Statement] = []
    second: list[Statement] = []
    if specific:
        phrases.append(specific.phrase)
        second = [g.phrase for g in grounds if g.id not in specific.grounds and ANY not in specific.grounds][:1]
        paragraph, topic = specific.paragraph, specific.topic
    elif grounds:
        phrases.append(grounds[0].phrase)
        second = [g.phrase for g in grounds[1:2]]
        paragraph, topic = grounds[0].paragraph, grounds[0].topic
    else:
        assert stage is not None, "a situation names a ground or a stage"
        phrases.append(told.phrase if told else stage.phrase)
        paragraph, topic = (told.paragraph if told else stage.paragraph), stage.topic
    if asked_topic in kb.explanations:
        topic = asked_topic
    route = [sk.route(state.employer_kind).phrase] if state.employer_kind or route_asked else []
    quoted = [short_citation(kb, paragraph, lang)]
    finish = [Section(kind="disclaimer", text=text("answer.disclaimer_short", lang))]
    if offer_selfcheck and not (state.grounds and state.stage):
        finish.insert(0, Section(kind="note", text=text("selfcheck.form.offer", lang)))
    # The topic's other norms as one compact line (their text is one tap away: the law view).
    line, others = norms_line(kb, kb.explanations.get(topic or ""), quoted, lang)
    see_also = [Section(kind="see_also", heading=text("answer.other_norms", lang), text=line)] if line else []
    # Asked where to complain: the route sentence is part of the answer, not an extra that must fit the budget.
    chosen, extras = ([*phrases, *route], [second]) if route_asked else ([*phrases], [route, second])
    for extra in extras:
        if not extra:
            continue
        trial = _Builder(lang, [*b.sections], [*b.citations])
        trial.add("lead", _join([*chosen, *extra], lang))
        trial.quote(kb, quoted, heading="")
        if _fits(trial, see_also if asked_law else [], finish):
            chosen += extra
    b.add("lead", _join(chosen, lang))
    b.quote(kb, quoted, heading="")
    stage_steps = told.steps if told else stage.steps if stage else []
    tail: list[Section]
    if asked_law:  # the norms line, then the steps that still fit
        if see_also and not _fits(b, see_also, finish, limit=FIRST_REPLY_MAX):
            see_also, others = [], []
        b.sections += see_also
        tail = _steps_that_fit(b, stage_steps, lang, finish)
    else:  # the steps, then the norms line if it still fits
        tail = _steps_that_fit(b, stage_steps, lang, finish)
        if see_also and _fits(b, [*tail, *see_also], finish):
            tail += see_also
        elif see_also and (fewer := _steps_that_fit(b, stage_steps, lang, [*see_also, *finish])):
            # two or three steps fit but not the line with them: the first steps that fit with the line (the
            # "what to do" button has every step, the line names the norms the button would not)
            tail = [*fewer, *see_also]
        elif see_also and not tail and not _fits(b, [], finish) and _fits(b, see_also, finish, limit=FIRST_REPLY_MAX):
            # the quoted paragraph alone fills the budget (no step fits): the reply is long anyway, and
            # the line still names the topic's other norms within FIRST_REPLY_MAX
            tail = see_also
        else:
            others = []
    b.sections += [*tail, *finish]
    payload = b.payload(topic=topic, source="situation", view="short", situation=state.as_dict())
    payload.citations = [*payload.citations, *others]
    payload.buttons = [*more_buttons(topic, lang), *lesson_button(topic, lang)]
    payload.knowledge_ids = _ids(topic, payload.citations)
    return payload


# ---------------------------------------------------------------- the views one tap away
LAW_PAGE_BUDGET = 2800  # characters of quoted law per "law" page (one message stays under 4,096)
MESSAGE_MAX = 4096  # Telegram's limit for one message; no reply in any channel is longer


def law_pages(kb: KnowledgeBase, citations: list[Citation], budget: int = LAW_PAGE_BUDGET) -> list[list[Citation]]:
    """The citations in pages of at most ``budget`` quoted characters (at least one per page)."""
    pages: list[list[Citation]] = [[]]
    used = 0
    for c in citations:
        if pages[-1] and used + len(c.text) > budget:
            pages.append([])
            used = 0
        pages[-1].append(c)
        used += len(c.text)
    return pages


def law_view(kb: KnowledgeBase, exp: Explanation, lang: str, page: int = 1) -> AnswerPayload:
    """Every paragraph the explanation links, verbatim, a page at a time; the pages not shown are
    listed and one tap away."""
    pages = law_pages(kb, explanation_citations(kb, exp, lang))
    page = min(max(page, 1), len(pages))
    b = _Builder(lang)
    b.add("title", exp.title[lang] + (f" ({page}/{len(pages)})" if len(pages) > 1 else ""))
    b.quote(kb, pages[page - 1])
    if any(kb.norms[c.norm_id].whole_article_only() for c in pages[page - 1]):
        b.add("note", text("answer.court_notes", lang))
    rest = [c for n, chunk in enumerate(pages, 1) if n != page for c in chunk]
    if rest:
        b.add("see_also", heading=text("answer.law_other_pages", lang), items=[_listed(c) for c in rest])
    payload = b.payload(topic=exp.id, source="view", view="law")
    payload.citations = [*payload.citations, *(c for c in rest if c not in payload.citations)]
    if page < len(pages):
        payload.buttons = [_more_button(exp.id, "law", text("answer.button.law_next", lang), page=page + 1)]
    return payload


def _listed(c: Citation) -> str:
    return f"{c.citation[:1].upper()}{c.citation[1:]}, {c.edition}"


def steps_view(kb: KnowledgeBase, exp: Explanation, lang: str) -> AnswerPayload:
    b = _Builder(lang)
    b.add("title", exp.title[lang])
    b.sections.append(Section(kind="steps", heading=text("answer.steps", lang), items=[st.text[lang] for st in exp.steps]))
    for st in exp.notes:
        b.add("note", st.text[lang])
    b.add("disclaimer", text("answer.disclaimer", lang))
    refs = [r for st in [*exp.steps, *exp.notes] for r in st.rests_on]
    listed = [c for ref in dict.fromkeys(refs) for c in cite(kb, ref.norm_id, [ref.paragraph], lang)]
    if listed:
        b.add("see_also", heading=text("answer.see_also", lang), items=[_listed(c) for c in listed])
    return b.payload(topic=exp.id, source="view", view="steps")


def route_view(kb: KnowledgeBase, sk: SituationKnowledge, state: SituationState, lang: str, topic: str | None = None) -> AnswerPayload:
    """Where to go and by when, for this worker's employer and stage; TK art. 160's Constitutional
    Court notes are quoted because a time limit is stated."""
    lang = _lang(lang)
    route = sk.route(state.employer_kind)
    b = _Builder(lang)
    route_lines = [route.phrase, *route.notes]
    if not state.employer_kind and route.id == "other" and "unknown" in sk.routes and sk.routes["unknown"].question:
        route_lines.append(sk.routes["unknown"].question)
    b.add("route", _join(route_lines, lang), heading=text("answer.route", lang))
    deadline = sk.deadline(state.stage)
    b.add("deadline", _join([sk.deadline_phrase(state.stage, state.employer_kind), *sk.deadline_notes], lang),
          heading=text("answer.deadline", lang))
    b.add("note", text("answer.check_date", lang))
    # the paragraph the route rests on (TK art. 159(1): who goes to the commission, who straight to
    # court), then the time limits' article (its Constitutional Court notes)
    b.quote(kb, [short_citation(kb, route.paragraph, lang), short_citation(kb, deadline.paragraph, lang)])
    b.add("note", text("answer.court_notes", lang))
    b.add("see_also", heading=text("answer.channels", lang), items=[c.phrase.text[lang] for c in sk.channels.values()])
    b.add("disclaimer", text("answer.disclaimer", lang))
    payload = b.payload(topic=topic or deadline.topic, source="view", view="route", situation=state.as_dict())
    payload.buttons = more_buttons(deadline.topic, lang, ("law",))
    payload.knowledge_ids = _ids(payload.topic, payload.citations)
    return payload


def full_view(kb: KnowledgeBase, exp: Explanation, lang: str) -> AnswerPayload:
    """The whole explanation: statements, the linked paragraphs (quoted while the budget lasts,
    the rest listed), steps, caveats, the disclaimer; within one message."""
    payload = _full_view(kb, exp, lang, QUOTE_BUDGET)
    budget = QUOTE_BUDGET
    while len(payload.plain_text()) > MESSAGE_MAX and budget > 0:
        budget = budget // 2 if budget > 200 else 0
        payload = _full_view(kb, exp, lang, budget)
    return payload


def _full_view(kb: KnowledgeBase, exp: Explanation, lang: str, budget: int) -> AnswerPayload:
    b = _Builder(lang)
    b.add("title", exp.title[lang])
    b.add("lead", exp.summary[lang])
    # an article only ever shown whole (TK art. 160) is its court notes here; the law view has it all
    citations = [court_notes_citation(kb, c.norm_id, lang) if kb.norms[c.norm_id].whole_article_only() else c
                 for c in explanation_citations(kb, exp, lang)]
    quoted, listed = split_quoted(kb, citations, budget)
    b.quote(kb, quoted)
    if any(kb.norms[c.norm_id].whole_article_only() for c in quoted):
        b.add("note", text("answer.court_notes", lang))
    if listed:
        b.add("see_also", heading=text("answer.see_also", lang), items=[_listed(c) for c in listed])
    b.sections.append(Section(kind="steps", heading=text("answer.steps", lang), items=[st.text[lang] for st in exp.steps]))
    if exp.caveats.get(lang):
        b.add("note", exp.caveats[lang])
    b.add("disclaimer", text("answer.disclaimer", lang))
    payload = b.payload(topic=exp.id, source="view", view="full")
    payload.citations = [*payload.citations, *listed]
    return payload


def view_answer(kb: KnowledgeBase, sk: SituationKnowledge, exp: Explanation, view: str, lang: str | None,
                state: SituationState | None = None, page: int = 1) -> AnswerPayload:
    lang = _lang(lang)
    if view == "law":
        payload = law_view(kb, exp, lang, page)
    elif view == "steps":
        payload = steps_view(kb, exp, lang)
    elif view == "route":
        payload = route_view(kb, sk, state or SituationState(), lang, topic=exp.id)
    else:
        payload = full_view(kb, exp, lang)
    payload.knowledge_ids = _ids(exp.id, payload.citations)
    if view != "route":
        payload.buttons = [*payload.buttons, *more_buttons(exp.id, lang, [v for v in ("law", "steps", "route") if v != view])]
    return payload


# ---------------------------------------------------------------- retrieval and "nothing found"
def norm_payload(kb: KnowledgeBase, norm_id: str, paragraph: str | None, lang: str | None) -> AnswerPayload:
    """A retrieval hit on a norm paragraph: the paragraph verbatim, cited, and the topic it belongs
    to one tap away."""
    lang = _lang(lang)
    b = _Builder(lang)
    b.add("lead", text("answer.retrieval_norm_lead", lang))
    norm = kb.norms[norm_id]
    if norm.whole_article_only():
        quoted = [court_notes_citation(kb, norm_id, lang)]
    else:
        quoted = cite(kb, norm_id, [paragraph] if paragraph and paragraph != "0" else [], lang)
    b.quote(kb, quoted)
    if norm.whole_article_only():
        b.add("note", text("answer.court_notes", lang))
    exp = kb.explanation_for_norm(norm_id)
    if exp:
        b.add("see_also", f"«{exp.title[lang]}».", heading=text("answer.more_on_topic", lang))
    b.add("disclaimer", text("answer.disclaimer_short", lang))
    payload = b.payload(topic=exp.id if exp else None, source="retrieval", view="short")
    payload.buttons = more_buttons(exp.id, lang) if exp else []
    payload.knowledge_ids = _ids(None, payload.citations)
    return payload


def unsure_payload(lang: str | None) -> AnswerPayload:
    """Nothing in the base answers this: say so (no citation)."""
    lang = _lang(lang)
    return AnswerPayload(lang=lang, sections=[Section(kind="lead", text=text("answer.unsure", lang))], source="none", view="short")
