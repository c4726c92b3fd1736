"""What users read is the law as the base holds it on 01.07.2026: the content check passes, and each
legal-content defect found in review (issue 8) is caught here, in both languages, in every
rendering of the answers (REST text, Telegram HTML, the widget) and in the outreach cards."""

from __future__ import annotations

import copy
import re

import pytest

from bench.content_check import (
    Rendering,
    catalog_findings,
    flat,
    render_findings,
    renderings_of_explanations,
    telegram_visible,
    three_month_findings,
    topic_replies,
    widget_visible,
)
from tendik.answers import explanation_citations
from tendik.compose import norm_payload, short_topic_answer
from tendik.knowledge.content_check import THREE_MONTHS, check_explanation, static_findings
from tendik.knowledge.explanations import KnowledgeBase, ParagraphRef, Statement, load_knowledge
from tendik.knowledge.norms import format_citation, paragraph_for_display
from tendik.knowledge.situations import load_situations
from tendik.telegram.cards import CardDeck
from tendik.telegram.html_text import parse_html
from tendik.texts import section

pytestmark = pytest.mark.unit  # no services: `make test-unit`

KB = load_knowledge()
SK = load_situations()
ANSWER_TEXTS = section("answer")
LANGS = ("kk", "ru")


def answer_for(intent: str, lang: str):  # noqa: ANN201
    """The explanation and every message a user can read of it: the first reply and each view."""
    exp = KB.by_intent(intent)
    assert exp is not None, intent
    return exp, topic_replies(KB, SK, exp, lang)


def renderings(replies) -> list[str]:  # noqa: ANN001
    """REST text, Telegram as sent, the widget's sections and cards: flattened visible text."""
    return [flat("\n".join(render(p) for p in replies)) for render in (lambda p: p.plain_text(), telegram_visible, widget_visible)]


def all_renderings(intent: str, lang: str) -> list[str]:
    return renderings(answer_for(intent, lang)[1])


# ---------------------------------------------------------------- the check as a whole
def test_content_check_finds_nothing() -> None:
    findings = static_findings(KB) or render_findings(KB)
    assert not findings, "\n".join(map(str, findings[:30]))


def test_every_statement_rests_on_a_shown_paragraph_or_says_what_it_is() -> None:
    for exp in KB.explanations.values():
        linked = set(exp.linked())
        for st in exp.all_statements():
            assert st.rests_on or st.says in ("advice", "gap", "meta"), exp.id
            assert set(st.rests_on) <= linked, exp.id


def _tampered(exp_id: str, lang: str, text: str, rests_on: list[str] | None = None, says: str | None = None) -> KnowledgeBase:
    kb = KnowledgeBase(norms=KB.norms, explanations={k: copy.deepcopy(v) for k, v in KB.explanations.items()})
    exp = kb.explanations[exp_id]
    other = "ru" if lang == "kk" else "kk"
    refs = [ParagraphRef.parse(r) for r in rests_on] if rests_on is not None else exp.statements[0].rests_on
    exp.statements.append(Statement(text={lang: text, other: exp.statements[0].text[other]}, rests_on=refs, says=says))
    return kb


@pytest.mark.parametrize(
    ("lang", "text", "problem"),
    [
        ("ru", "При восстановлении на работе без комиссии у вас три месяца.", "three-month"),
        ("kk", "Комиссиясыз жұмысқа қайта алу үшін үш ай бар.", "three-month"),
        ("ru", "По статье 161 ТК РК вам заплатят за прогул.", "names article 161"),
        ("kk", "Қызметкер сотқа жүгіне алады.", "жұмыскер"),
        ("kk", "Жұмыс берушінің жауапкершілігі туындайды.", "жауаптылық"),
        ("kk", "Келісім комиссиясына барыңыз.", "келісу комиссиясы"),
        ("ru", "Срок истёк 01.01.2020.", "date 01.01.2020"),
        ("ru", "По статье 14 Конституции все равны.", "1995 Constitution"),
    ],
)
def test_the_check_catches_each_kind_of_defect(lang: str, text: str, problem: str) -> None:
    kb = _tampered("exp-time-limits", lang, text)
    findings = [str(f) for f in check_explanation(kb, kb.explanations["exp-time-limits"])]
    assert any(problem in f for f in findings), findings


def test_the_check_catches_a_statement_without_a_source_and_an_unshown_source() -> None:
    kb = _tampered("exp-time-limits", "ru", "Работодатель всегда неправ.", rests_on=[])
    assert any("rests on no paragraph" in str(f) for f in static_findings(kb))
    kb = _tampered("exp-time-limits", "ru", "Статья 6 запрещает дискриминацию.", rests_on=["tk-006:1"])
    assert any("does not link" in str(f) for f in static_findings(kb))


def test_the_three_month_scan_sees_through_rendering_but_not_into_verbatim_law() -> None:
    bad = Rendering("x", "ru", flat("Срок — 3 месяца со дня увольнения. Подробнее ниже."), [])
    assert three_month_findings(bad)
    ok = Rendering("x", "kk", flat("Сотқа жүгінудің үш ай мерзімін Конституциялық Сот Конституцияға сәйкес келмейді деп таныды."), [])
    assert not three_month_findings(ok)
    probation = Rendering("x", "ru", flat("Испытательный срок не может превышать трёх месяцев."), [])
    assert not three_month_findings(probation)  # another three-month rule of the Code: fine
    version, _ = KB.norms["tk-160"].version("ru")
    quoted = flat(paragraph_for_display(version, None))
    assert THREE_MONTHS.search(quoted)  # the verbatim text still carries the words ...
    assert not three_month_findings(Rendering("x", "ru", quoted, [quoted]))  # ... with its notes: fine
    stripped = quoted.split("Нормативным постановлением")[0]
    assert three_month_findings(Rendering("x", "ru", stripped + " Иск о восстановлении — три месяца.", [stripped]))


# ---------------------------------------------------------------- TK art. 160 and time limits
@pytest.mark.parametrize("lang", LANGS)
def test_art_160_is_never_shown_without_its_constitutional_court_notes(lang: str) -> None:
    note = {"ru": "№ 88-НП", "kk": "№ 88-НҚ"}[lang]
    version, _ = KB.norms["tk-160"].version(lang)
    for key in [None, *version.paragraphs()]:
        assert note in paragraph_for_display(version, key)
        assert note in norm_payload(KB, "tk-160", key, lang).plain_text()
    for exp in KB.explanations.values():
        if any(link.id == "tk-160" for link in exp.norms):
            for reply in topic_replies(KB, SK, exp, lang):
                if any(c.norm_id == "tk-160" for c in reply.quoted()):
                    for shown in renderings([reply]):
                        assert note in shown, (exp.id, reply.view)


@pytest.mark.parametrize("lang", LANGS)
def test_time_limit_answers_rest_on_art_160_and_never_offer_three_months(lang: str) -> None:
    for intent in ("ask_time_limits", "ask_pregnant_dismissal"):
        exp, replies = answer_for(intent, lang)
        assert any(r.norm_id == "tk-160" for st in exp.all_statements() for r in st.rests_on), intent
        verbatim = [flat(c.text) for reply in replies for c in reply.quoted()]
        for shown in renderings(replies):
            assert not three_month_findings(Rendering(intent, lang, shown, verbatim))


@pytest.mark.parametrize("lang", LANGS)
def test_every_card_is_free_of_a_valid_three_month_limit_and_the_time_limits_card_gives_one(lang: str) -> None:
    deck = CardDeck(KB)
    for card_id in deck.ids:
        card = deck.card(card_id, lang)
        visible = flat(parse_html(card.html))
        assert not three_month_findings(Rendering(card_id, lang, visible, [flat(card.excerpt)])), card_id
    visible = flat(parse_html(deck.card("exp-time-limits", lang).html))
    assert ("один месяц" if lang == "ru" else "бір ай") in visible  # not cut before any limit
    assert {"ru": "№ 88-НП", "kk": "№ 88-НҚ"}[lang] in visible


# ---------------------------------------------------------------- defects of the review, one by one
@pytest.mark.parametrize("lang", LANGS)
def test_c111_is_never_said_to_cover_age_or_language(lang: str) -> None:
    words = re.compile(r"возраст|язык|\bжас(?:\b|ы|қа|ына|тағы)|\bтіл(?:\b|і|ге|іне|дер)", re.I)
    for exp in KB.explanations.values():
        for st in exp.all_statements():
            refs = {r.norm_id for r in st.rests_on}
            if refs and refs <= {"ilo-c111-a1", "ilo-c111-a2"}:
                assert not words.search(st.text[lang]), (exp.id, st.text[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_no_citation_names_a_paragraph_the_norm_does_not_have(lang: str) -> None:
    zero = re.compile(r"пункт 0\b|часть 0\b|\b0-тармақ|\b0-бөлік")
    for exp in KB.explanations.values():
        for c in explanation_citations(KB, exp, lang):
            version, _ = KB.norms[c.norm_id].version(lang)
            assert c.paragraph is None or c.paragraph in version.paragraphs()
        for shown in all_renderings(exp.intent, lang):
            assert not zero.search(shown), exp.id
    assert format_citation("ilo-c100", "1", "ru", "0.a") == "статья 1 Конвенции МОТ № 100 (подпункт a)"


def test_paragraph_labels_of_1_1_paragraphs_and_5_1_items() -> None:
    assert format_citation("tk", "103", "ru", "1-1") == "статья 103 Трудового кодекса РК (пункт 1-1)"
    assert format_citation("gpk", "149", "ru", "1.5-1") == "статья 149 Гражданского процессуального кодекса РК (часть 1, подпункт 5-1)"
    assert format_citation("gpk", "149", "kk", "1.5-1") == "Азаматтық процестік кодекстің 149-бабы (1-бөлік, 5-1-тармақша)"
    for norm_id in ("tk-103", "gpk-149", "tk-052"):
        for version in KB.norms[norm_id].versions.values():
            paras = version.paragraphs()
            assert paras["1-1"].startswith("1-1.")
            assert not any(line.startswith("1-1.") for line in paras["1"].splitlines()), norm_id
    version, _ = KB.norms["gpk-149"].version("ru")
    assert version.paragraphs()["1.5-1"].lstrip().startswith("5-1)")
    version, _ = KB.norms["tk-052"].version("ru")
    assert "1-1." not in version.paragraphs()["1.25"]  # the last item of paragraph 1 ends there


@pytest.mark.parametrize("lang", LANGS)
def test_every_supporting_paragraph_is_quoted_or_listed_everywhere(lang: str) -> None:
    """E.g. the Constitution answer used to show only 27(1) while saying what 27(2) and 27(3) say."""
    exp, _ = answer_for("ask_constitution", lang)
    refs = {str(r) for st in exp.all_statements() for r in st.rests_on}
    assert {"const2026-027:2", "const2026-027:3"} <= refs
    for shown in all_renderings("ask_constitution", lang):
        for c in explanation_citations(KB, exp, lang):
            assert flat(c.text) in shown or flat(c.citation[0].upper() + c.citation[1:]) in shown, c.citation


@pytest.mark.parametrize("lang", LANGS)
def test_constitution_27_3_recognises_disputes_it_does_not_guarantee_them(lang: str) -> None:
    verb = re.compile(r"гарантир|кепілдік бер", re.I)
    for exp in KB.explanations.values():
        for st in exp.all_statements():
            if any(str(r) == "const2026-027:3" for r in st.rests_on) and len(st.rests_on) == 1:
                assert not verb.search(st.text[lang]), exp.id


@pytest.mark.parametrize("lang", LANGS)
def test_harassment_answer_and_card_say_first_that_the_base_has_no_harassment_provision(lang: str) -> None:
    exp, _ = answer_for("ask_sexual_harassment", lang)
    assert exp.statements[0].says == "gap" and exp.lead[0].says == "gap"
    lead_gap = flat(exp.lead[0].text[lang])
    for shown in renderings([short_topic_answer(KB, exp, lang)]):  # the first reply says it first
        assert lead_gap in shown and shown.index(lead_gap) < shown.index("«")
    gap = flat(exp.statements[0].text[lang])
    for shown in all_renderings("ask_sexual_harassment", lang):
        assert gap in shown
    card = CardDeck(KB).card(exp.id, lang)
    visible = flat(parse_html(card.html))
    assert gap in visible
    assert visible.index(gap) < visible.index("📖")  # the gap comes before any norm


def test_the_code_has_no_definition_of_discrimination_and_the_bot_says_so() -> None:
    exp = KB.by_intent("ask_discrimination_definition")
    assert any(st.says == "gap" for st in exp.statements)
    assert any(r.norm_id == "gender-001" for st in exp.statements for r in st.rests_on)  # the one definition there is


def test_dismissal_for_liquidation_or_staff_cuts_gets_art_52_with_art_54() -> None:
    exp = KB.by_intent("ask_pregnant_dismissal")
    linked = {r.norm_id for r in exp.linked()}
    assert {"tk-052", "tk-054"} <= linked
    assert any(r.norm_id == "tk-052" and r.paragraph.startswith("1.") for r in exp.linked())


@pytest.mark.parametrize(
    "intent",
    ["ask_moral_damage", "ask_evidence", "ask_retaliation", "ask_legal_aid", "ask_labour_inspection", "ask_trade_union"],
)
def test_questions_the_old_answers_ignored_have_an_answer_that_addresses_them(intent: str) -> None:
    exp = KB.by_intent(intent)
    assert exp is not None and exp.statements
    if intent in ("ask_moral_damage", "ask_evidence", "ask_retaliation", "ask_labour_inspection", "ask_legal_aid"):
        assert any(st.says == "gap" for st in exp.all_statements()), f"{intent}: must say what the base lacks"


@pytest.mark.parametrize("lang", LANGS)
def test_the_conciliation_commission_is_never_offered_without_its_exceptions(lang: str) -> None:
    """Art. 159(1): micro-enterprises, NGOs of up to 15 workers and domestic workers go straight to
    court; every answer that sends the worker to the commission shows that paragraph, or says in the
    same step that the commission must be one that hears the dispute."""
    commission = re.compile(r"согласительн\w* комисси|келісу комиссия", re.I)
    condition = re.compile(r"\bесли\b|\bегер\b|қарайтын болса|қараса|\bне рассматрива|или (?:в )?суд|немесе сот", re.I)
    for exp in KB.explanations.values():
        if any(str(r) == "tk-159:1" for r in exp.linked()):
            continue
        for st in exp.steps:  # advice that sends the worker there (statements of law rest on their norms)
            if st.says == "advice" and commission.search(st.text[lang]):
                assert condition.search(st.text[lang]), (exp.id, st.text[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_disclaimer_names_the_inspection_by_its_statutory_name_and_points_to_every_route(lang: str) -> None:
    text = ANSWER_TEXTS["disclaimer"][lang]
    assert ("территориальное подразделение" if lang == "ru" else "аумақтық бөлімше") in text
    for word in {"ru": ("согласительн", "медиатор", "суд", "юридическ"), "kk": ("келісу комиссия", "медиатор", "сот", "заң көмег")}[lang]:
        assert word in text
    assert KB.by_intent("ask_legal_aid") is not None  # what "legal aid" means is explained


def test_ilo_texts_carry_an_edition_label_in_the_answer_language() -> None:
    for lang, label, foreign in (("kk", "түпнұсқа мәтіні", "аутентичный"), ("ru", "аутентичный текст", "түпнұсқа")):
        _, replies = answer_for("ask_ilo_conventions", lang)
        ilo = [c for reply in replies for c in reply.citations if c.norm_id.startswith("ilo-")]
        assert ilo and all(label in c.edition and foreign not in c.edition for c in ilo)


def test_social_code_103_2_2_disagreement_is_said_wherever_it_is_used() -> None:
    for exp in KB.explanations.values():
        for st in exp.all_statements():
            if any(str(r) in ("soc-103:2.2", "soc-103:2") for r in st.rests_on):
                assert any(("не совпада" in s.text["ru"] or "расход" in s.text["ru"] or "различ" in s.text["ru"])
                           for s in exp.all_statements()), exp.id


def test_fixed_texts_use_the_statutes_terms() -> None:
    """Buttons, bot texts and demo pages: e.g. «Жыныстық қысым көрсету» was the kk harassment button."""
    findings = catalog_findings()
    assert not findings, "\n".join(map(str, findings))


def test_renderings_cover_every_explanation_in_both_languages() -> None:
    seen = {(exp_id, lang) for exp_id, lang, _, _ in renderings_of_explanations(KB)}
    assert seen == {(e, lang) for e in KB.explanations for lang in LANGS}


def test_a_stages_related_paragraph_must_exist_and_feeds_the_situations_paragraphs() -> None:
    """stages.yml `related` (the fine for unequal pay, КоАП 90(1)) is checked like every paragraph
    reference, and a told situation's paragraphs include it (after the stage's own)."""
    from tendik.knowledge.situations import situation_findings
    from tendik.situation import GROUNDS

    told = SK.situation_paragraphs(("sex",), "pay")
    assert ParagraphRef.parse("koap-090:1") in told and told.index(ParagraphRef.parse("tk-022:1.15")) < told.index(ParagraphRef.parse("koap-090:1"))
    assert ParagraphRef.parse("koap-090:1") not in SK.situation_paragraphs(("sex",), "job_ad")
    broken = copy.deepcopy(SK)
    broken.stages["pay"].related = [ParagraphRef.parse("koap-090:99")]
    findings = situation_findings(KB, broken, tuple(GROUNDS), tuple(broken.stages))
    assert any(f.where == "stage pay related" and "koap-090:99" in f.problem for f in findings)
    assert not [f for f in situation_findings(KB, SK, tuple(GROUNDS), tuple(SK.stages)) if "related" in f.where]
