"""The guided self-check (issue 12): its questions and answer options (shared by the Rasa form's
validation in tendik.actions.selfcheck and the generated responses of tendik.build.responses), and
its result as one typed answer payload (:func:`selfcheck_result`).

The result is assembled from reviewed content only: the situation phrases (knowledge/situations),
explanation statements that rest on the paragraphs quoted (knowledge/explanations), verbatim norm
paragraphs, and the deadline of TK art. 160 computed by :mod:`tendik.selfcheck.deadline` (with TK
art. 160's Constitutional Court notes quoted). It says what the law provides for the case as
described (information, not a verdict), the route and the deadline as a date, and offers the drafts
as buttons (``/request_draft{"draft_template": "request-reasons"}``: the draft form, tendik.actions.drafts).
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tendik.answers import cite
from tendik.citation import Citation
from tendik.compose import _Builder, _ids, _join, _more_button, court_notes_citation
from tendik.knowledge.explanations import KnowledgeBase, ParagraphRef, Statement
from tendik.knowledge.situations import DIRECT_ROUTES, SituationKnowledge
from tendik.payload import AnswerPayload, Button, Section
from tendik.selfcheck.deadline import DateError, Deadline, compute_deadline
from tendik.situation import STAGES
from tendik.texts import text

logger = logging.getLogger(__name__)

FORM = "selfcheck_form"
# The questions in the order the form asks them (the form's required slots).
ORDER = ("sc_stage", "sc_ground", "sc_what", "sc_requirement", "sc_protected", "sc_employer_kind", "sc_order_date",
         "sc_learned_date", "sc_evidence")
UNKNOWN = "unknown"
SKIP = "skip"  # a question that does not apply (the order date when the stage is not a dismissal)
DATE_SLOTS = ("sc_order_date", "sc_learned_date")
FREE_TEXT = ("sc_what",)
GROUND_OPTIONS = ("sex", "age", "nationality", "language", "religion", "pregnancy", "children_under_3", "disability", "health",
                  "trade_union", "other")
PROTECTED = ("pregnancy", "children_under_3", "single_parent", "disability")
# The fixed answers of each choice question (button payloads carry these ids).
CHOICES: dict[str, tuple[str, ...]] = {
    "sc_stage": STAGES,
    "sc_ground": (*GROUND_OPTIONS, UNKNOWN),
    "sc_requirement": ("yes", "no", UNKNOWN),
    "sc_protected": (*PROTECTED, "none"),
    "sc_employer_kind": ("micro", "ngo_small", "domestic", "civil_service", "other", UNKNOWN),
    "sc_evidence": ("documents", "witnesses", "messages", "several", "none"),
}
TEMPLATES = ("request-reasons", "commission-application", "inspection-complaint", "claim-outline")
# УК art. 152(2): the grounds it names, at hiring and dismissal (exp-employer-liability).
CRIMINAL_GROUNDS = ("pregnancy", "children_under_3", "disability", "minor")
CRIMINAL_STAGES = ("hiring", "dismissal")
# КоАП art. 90 matters the labour inspection sees (exp-employer-liability's statement on koap-090).
KOAP_STAGES = ("pay", "conditions", "job_ad")


def option_title(slot: str, option: str, lang: str, sk: SituationKnowledge) -> str:
    """A button's title for an option of a choice question (knowledge names or the catalog)."""
    if option == UNKNOWN:
        return text("selfcheck.ask.unknown", lang)
    if slot == "sc_stage":
        name = sk.stages[option].name[lang]
    elif slot == "sc_ground":
        name = sk.grounds[option].name[lang]
    elif slot == "sc_employer_kind":
        name = sk.routes[option].name[lang]
    else:
        name = text(f"selfcheck.ask.{slot[3:]}.{option}", lang)
    return name[:1].upper() + name[1:]


def inform_payload(slot: str, value: str) -> str:
    return "/inform_sc" + json.dumps({slot: value}, ensure_ascii=False, separators=(",", ":"))


def question_buttons(slot: str, lang: str, sk: SituationKnowledge) -> list[dict[str, str]]:
    """The buttons of a question: its options (dates: "don't know"), then back (not on the first) and stop."""
    options = CHOICES.get(slot, (UNKNOWN,) if slot in DATE_SLOTS else ())
    out = [{"title": option_title(slot, o, lang, sk), "payload": inform_payload(slot, o)} for o in options]
    if slot != ORDER[0]:
        out.append({"title": text("selfcheck.ask.back", lang), "payload": "/selfcheck_back"})
    out.append({"title": text("selfcheck.ask.stop", lang), "payload": "/selfcheck_stop"})
    return out


@dataclass(frozen=True)
class SelfCheck:
    """The answers of one self-check (the form's slots; UNKNOWN, SKIP or None where not known)."""

    stage: str | None = None
    ground: str | None = None
    requirement: str | None = None
    protected: str | None = None
    employer_kind: str | None = None
    order_date: str | None = None  # ISO
    learned_date: str | None = None  # ISO
    evidence: str | None = None
    has_description: bool = False  # the user's own words are never put into the result

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> SelfCheck:
        def get(name: str) -> str | None:
            value = slots.get(name)
            return value if isinstance(value, str) and value not in (UNKNOWN, SKIP, "none", "") else None

        return cls(stage=get("sc_stage") if get("sc_stage") in STAGES else None, ground=get("sc_ground"),
                   requirement=slots.get("sc_requirement") if isinstance(slots.get("sc_requirement"), str) else None,
                   protected=get("sc_protected"), employer_kind=get("sc_employer_kind"), order_date=get("sc_order_date"),
                   learned_date=get("sc_learned_date"), evidence=slots.get("sc_evidence") if isinstance(slots.get("sc_evidence"), str) else None,
                   has_description=bool(slots.get("sc_what")))

    @property
    def grounds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g for g in (self.ground, self.protected) if g))

    @property
    def criminal(self) -> bool:
        return self.stage in CRIMINAL_STAGES and any(g in CRIMINAL_GROUNDS for g in self.grounds)

    @property
    def commission_route(self) -> bool:
        return self.employer_kind not in (*DIRECT_ROUTES, "civil_service")


def _statement(kb: KnowledgeBase, exp_id: str, ref: str, says: str | None = None, only: bool = False) -> Statement | None:
    """The first statement of an explanation that rests on ``ref`` (``only``: on nothing else)."""
    exp = kb.explanations.get(exp_id)
    if exp is None:
        return None
    for st in exp.all_statements():
        refs = [str(r) for r in st.rests_on]
        if ref in refs and (not only or len(set(r.split(":")[0] for r in refs)) == 1) and (says is None or st.says == says):
            return st
    return None


def _police_advice(kb: KnowledgeBase) -> Statement | None:
    """exp-employer-liability's advice on whether to go to the police (the statement naming it)."""
    exp = kb.explanations.get("exp-employer-liability")
    if exp is None:
        return None
    return next((st for st in exp.all_statements() if st.says == "advice" and "полиц" in st.text.get("ru", "")), None)


def _cite(kb: KnowledgeBase, ref: ParagraphRef | str, lang: str) -> Citation:
    ref = ParagraphRef.parse(ref) if isinstance(ref, str) else ref
    return cite(kb, ref.norm_id, [ref.paragraph], lang)[0]


def deadline_for(check: SelfCheck, today: datetime.date | None) -> Deadline:
    """The time limits of TK art. 160 for the answers; a date the calculator refuses is left out."""
    order = check.order_date if check.stage == "dismissal" else None
    try:
        return compute_deadline(check.stage, check.employer_kind, order_date=order, learned_date=check.learned_date, today=today)
    except DateError as err:
        logger.info("selfcheck: a date was refused by the calculator (%s); counted without it", err.field)
        return compute_deadline(check.stage, check.employer_kind, today=today)


def _draft_button(template: str, lang: str) -> Button:
    data = json.dumps({"draft_template": template}, separators=(",", ":"))
    return Button(text(f"selfcheck.form.draft.{template.replace('-', '_')}", lang), f"/request_draft{data}")


def selfcheck_result(kb: KnowledgeBase, sk: SituationKnowledge, check: SelfCheck, lang: str,
                     today: datetime.date | None = None) -> AnswerPayload:
    """The self-check's result: the case, what the law provides (quoted verbatim), the route, the
    deadline as a date with the warning and TK art. 160's court notes, the drafts as buttons."""
    lang = "kk" if lang == "kk" else "ru"
    b = _Builder(lang)
    b.add("title", text("selfcheck.form.result_title", lang))

    # ---- the case as answered
    stage = sk.stages.get(check.stage or "")
    case: list[str] = []
    names = [sk.grounds[g].name[lang] for g in ([check.ground] if check.ground in sk.grounds else [])]
    if names:
        case.append(text("answer.case_ground", lang, name=", ".join(names)))
    if stage:
        case.append(text("answer.case_stage", lang, name=stage.name[lang]))
    if check.protected in sk.grounds:
        case.append(text("selfcheck.form.case_protected", lang, name=sk.grounds[check.protected].name[lang]))
    if check.employer_kind in sk.routes:
        case.append(text("selfcheck.form.case_employer", lang, name=sk.routes[check.employer_kind].name[lang]))
    if check.evidence:
        case.append(text("selfcheck.form.case_evidence", lang, name=option_title("sc_evidence", check.evidence, lang, sk).lower()))
    joined = "; ".join(case)
    b.add("situation", (joined[:1].upper() + joined[1:] + ".") if joined else "", heading=text("answer.your_case", lang))

    # ---- what the law provides for it (information, not a verdict)
    lead = [text("selfcheck.form.not_verdict", lang)]
    grounds = [sk.grounds[g] for g in check.grounds if g in sk.grounds]
    specific = sk.specific(tuple(g.id for g in grounds), stage.id if stage else None) if (grounds or stage) else None
    phrases: list[Statement] = []
    refs: list[ParagraphRef] = []
    if grounds and grounds[0].id not in ("other", "health"):
        lead.append(text("selfcheck.form.ground_listed", lang, name=grounds[0].name[lang]))
    if specific:
        phrases.append(specific.phrase)
        refs.append(specific.paragraph)
    for g in grounds:
        if not specific or (g.id not in specific.grounds and "any" not in specific.grounds):
            phrases.append(g.phrase)
            refs.append(g.paragraph)
    if not grounds:
        other = sk.grounds["other"]
        phrases.append(other.phrase)
        refs.append(other.paragraph)
    if stage and not specific:
        phrases.append(stage.phrase)
    if check.protected in ("pregnancy", "children_under_3", "single_parent") and check.stage == "dismissal":
        refs.append(ParagraphRef.parse("tk-054:2"))
    topic = specific.topic if specific else (grounds[0].topic if grounds else (stage.topic if stage else "exp-protected-grounds"))
    if check.criminal:
        st = _statement(kb, "exp-employer-liability", "uk-152:2", only=True)
        if st:
            phrases.append(st)
        refs.append(ParagraphRef.parse("uk-152:2"))
    b.add("lead", " ".join([*lead, _join(phrases[:4], lang)]))
    if check.requirement == "yes":
        distinction = [st for st in (_statement(kb, "exp-lawful-distinctions", "tk-006:3"),) if st]
        b.add("note", " ".join([text("selfcheck.form.requirement", lang), _join(distinction, lang)]))
        refs += [ParagraphRef.parse("tk-006:3"), ParagraphRef.parse("tk-026:1.1")]
    quotes = [_cite(kb, r, lang) for r in dict.fromkeys(refs) if not kb.norms[r.norm_id].whole_article_only()]
    b.quote(kb, quotes, heading=text("selfcheck.form.law", lang))

    # ---- where to go
    route = sk.route(check.employer_kind)
    route_lines: list[Statement] = [route.phrase, *route.notes]
    if "inspection" in sk.channels:
        route_lines.append(sk.channels["inspection"].phrase)
    if check.stage in KOAP_STAGES:
        koap = _statement(kb, "exp-employer-liability", "koap-090:1")
        if koap:
            route_lines.append(koap)
    if check.criminal:
        advice = _police_advice(kb)
        if advice:
            route_lines.append(advice)
    if "mediation" in sk.channels:
        route_lines.append(sk.channels["mediation"].phrase)
    b.add("route", " ".join([text("selfcheck.form.request_first", lang), _join(route_lines, lang)]), heading=text("answer.route", lang))

    # ---- by when: the date
    deadline = deadline_for(check, today)
    lines = deadline.lines(lang)
    b.add("deadline", "\n".join(line for line in lines if line != text(deadline.warning, lang)), heading=text("answer.deadline", lang))
    b.add("warning", text(deadline.warning, lang).removeprefix("⚠️ "))
    b.quote(kb, [court_notes_citation(kb, "tk-160", lang)])
    b.add("note", text("answer.court_notes", lang))
    if check.evidence in (None, "none"):
        b.add("note", text("selfcheck.form.evidence_advice", lang))

    # ---- the drafts (the buttons) and the disclaimer
    b.add("see_also", text("selfcheck.form.drafts_note", lang), heading=text("selfcheck.form.drafts", lang))
    b.add("disclaimer", text("answer.disclaimer", lang))
    situation: dict[str, object] = {k: v for k, v in {
        "grounds": list(check.grounds), "stage": check.stage, "employer_kind": check.employer_kind,
        "date": check.learned_date or check.order_date, "deadline": deadline.last_day.isoformat() if deadline.last_day else None,
    }.items() if v not in (None, [])}
    payload = b.payload(topic=topic, source="selfcheck", view="selfcheck", situation=situation)
    templates = [t for t in TEMPLATES if t != "commission-application" or check.commission_route]
    payload.buttons = [*(_draft_button(t, lang) for t in templates),
                       _more_button(topic, "route", text("answer.button.route", lang)),
                       _more_button(sk.deadline(check.stage).topic, "law", text("answer.button.law", lang)),
                       Button(text("selfcheck.form.restart", lang), "/start_selfcheck"),
                       Button(text("handoff.button", lang), "/request_human")]
    payload.knowledge_ids = _ids(topic, payload.citations)
    logger.info("selfcheck result: stage=%s grounds=%s route=%s dated=%s quotes=%d", check.stage, ",".join(check.grounds),
                deadline.route, deadline.last_day is not None, len(payload.citations))
    return payload


def sections_of(payload: AnswerPayload, kind: str) -> list[Section]:
    return [s for s in payload.sections if s.kind == kind]
