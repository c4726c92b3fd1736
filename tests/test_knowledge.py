"""The explanations are consistent with the norms, and answers cite in the standard forms."""

from __future__ import annotations

import pytest

from tendik.answers import explanation_answer, norm_answer, unsure_answer
from tendik.knowledge.explanations import (
    Explanation,
    KnowledgeBase,
    NormLink,
    ParagraphRef,
    Statement,
    load_knowledge,
    validate,
)
from tendik.knowledge.norms import format_citation, paragraph_for_display

pytestmark = pytest.mark.unit  # no services: `make test-unit`

KB = load_knowledge()
TOPICS = [
    "ask_discrimination_definition", "ask_protected_grounds", "ask_lawful_distinctions", "ask_hiring_refusal",
    "ask_pregnant_dismissal", "ask_equal_pay", "ask_job_ads", "ask_religion_nationality_language",
    "ask_sexual_harassment", "ask_how_to_complain", "ask_time_limits", "ask_employer_liability",
    "ask_constitution", "ask_ilo_conventions",
    # added with the 01.07.2026 sources
    "ask_gender_equality", "ask_disability", "ask_language_at_work", "ask_trade_union", "ask_probation",
    "ask_maternity_leave", "ask_legal_aid", "ask_mediation", "ask_labour_inspection", "ask_moral_damage",
    "ask_evidence", "ask_retaliation",
]


def test_every_topic_has_an_explanation_in_both_languages() -> None:
    for intent in TOPICS:
        exp = KB.by_intent(intent)
        assert exp is not None, intent
        for lang in ("kk", "ru"):
            assert exp.summary[lang] and exp.next_steps[lang] and exp.title[lang]


def test_every_intent_is_answered_by_one_explanation() -> None:
    intents = [e.intent for e in KB.explanations.values()]
    assert sorted(intents) == sorted(TOPICS)


def _statement(rests_on: list[str], says: str | None = None) -> Statement:
    return Statement(text={"kk": "a", "ru": "a"}, rests_on=[ParagraphRef.parse(r) for r in rests_on], says=says)


def test_validation_catches_a_dangling_paragraph_and_an_unsourced_statement() -> None:
    broken = Explanation(
        id="exp-broken", intent="x", norms=[NormLink("tk-006", ["9"]), NormLink("tk-160", ["0.1"])],
        title={"kk": "a", "ru": "a"}, statements=[_statement([]), _statement(["tk-006:2"])],
        steps=[_statement([], says="advise")],
    )
    problems = "\n".join(validate(KnowledgeBase(norms=KB.norms, explanations={"exp-broken": broken})))
    assert "no paragraph 9" in problems
    assert "tk-160 is only shown whole" in problems  # the Constitutional Court notes
    assert "rests on no paragraph" in problems
    assert "rests on tk-006:2, which the explanation does not link" in problems
    assert "says 'advise'" in problems


def test_citation_standard_forms() -> None:
    assert format_citation("tk", "6", "ru") == "статья 6 Трудового кодекса РК"
    assert format_citation("tk", "6", "kk") == "Еңбек кодексінің 6-бабы"
    assert format_citation("koap", "90", "ru", "3") == "статья 90 Кодекса РК об административных правонарушениях (часть 3)"
    assert format_citation("const2026", "16", "kk", "2") == "2026 жылғы Конституцияның 16-бабы (2-тармақ)"
    assert format_citation("tk", "22", "ru", "1.15") == "статья 22 Трудового кодекса РК (пункт 1, подпункт 15)"
    assert format_citation("tk", "22", "kk", "1.15") == "Еңбек кодексінің 22-бабы (1-тармақ, 15-тармақша)"
    assert format_citation("tk", "4", "ru", "0.3") == "статья 4 Трудового кодекса РК (подпункт 3)"
    assert format_citation("appk", "93", "ru", "2.4") == (
        "статья 93 Административного процедурно-процессуального кодекса РК (часть 2, подпункт 4)"
    )
    assert format_citation("mediation", "1", "kk", "2") == "«Медиация туралы» Заңның 1-бабы (2-тармақ)"
    assert format_citation("gender", "10", "ru", "5").startswith("статья 10 Закона РК «О государственных гарантиях")


def test_every_stored_code_has_a_citation_name() -> None:
    for norm in KB.norms.values():
        for lang in ("kk", "ru"):
            assert norm.citation(lang)


def test_answer_quotes_the_norm_verbatim_with_edition_and_disclaimer() -> None:
    exp = KB.by_intent("ask_pregnant_dismissal")
    for lang, marker, disclaimer in (("ru", "редакция от 01.07.2026", "не индивидуальная"), ("kk", "01.07.2026 редакциясы", "жеке заң кеңесі емес")):
        answer = explanation_answer(KB, exp, lang)
        assert marker in answer.text and disclaimer in answer.text
        assert "tk-054" in answer.knowledge_ids
        tk054 = next(c for c in answer.citations if c.norm_id == "tk-054")
        version, _ = KB.norms["tk-054"].version(lang)
        assert tk054.text in answer.text
        for line in tk054.text.splitlines():
            assert line.strip() in version.text


def test_old_editions_are_flagged_and_new_ones_are_not() -> None:
    answer = norm_answer(KB, "prof-007", None, "ru")  # Law on trade unions: edition 18.04.2023
    assert answer.citations[0].stale and "18.04.2023" in answer.text and "adilet.zan.kz" in answer.text
    answer = explanation_answer(KB, KB.by_intent("ask_time_limits"), "ru")
    assert not any(c.stale for c in answer.citations if c.norm_id == "tk-160")


def test_norm_missing_in_kazakh_is_shown_in_english_with_a_note() -> None:
    answer = norm_answer(KB, "ilo-c111-a1", None, "kk")
    assert answer.citations[0].text_lang == "en"
    assert "тек мына тілде бар" in answer.text


def test_item_display_keeps_its_paragraph_lead() -> None:
    version, _ = KB.norms["tk-022"].version("ru")
    shown = paragraph_for_display(version, "1.15")
    assert shown.startswith("1. Работник имеет право на:") and "15)" in shown


def test_unsure_answer_cites_nothing() -> None:
    for lang in ("kk", "ru"):
        answer = unsure_answer(lang)
        assert answer.citations == [] and answer.knowledge_ids == []
