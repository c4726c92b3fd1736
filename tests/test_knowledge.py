"""The explanations are consistent with the norms, and answers cite in the standard forms."""

from __future__ import annotations

from actions.answers import explanation_answer, norm_answer, unsure_answer
from actions.knowledge.explanations import Explanation, KnowledgeBase, NormLink, load_knowledge, validate
from actions.knowledge.norms import format_citation, paragraph_for_display

KB = load_knowledge()
TOPICS = [
    "ask_discrimination_definition", "ask_protected_grounds", "ask_lawful_distinctions", "ask_hiring_refusal",
    "ask_pregnant_dismissal", "ask_equal_pay", "ask_job_ads", "ask_religion_nationality_language",
    "ask_sexual_harassment", "ask_how_to_complain", "ask_time_limits", "ask_employer_liability",
    "ask_constitution", "ask_ilo_conventions",
]


def test_every_topic_has_an_explanation_in_both_languages() -> None:
    for intent in TOPICS:
        exp = KB.by_intent(intent)
        assert exp is not None, intent
        for lang in ("kk", "ru"):
            assert exp.summary[lang] and exp.next_steps[lang] and exp.title[lang]


def test_validation_catches_a_dangling_paragraph() -> None:
    broken = Explanation(
        id="exp-broken", intent="x", norms=[NormLink("tk-006", ["9"])], title={"kk": "a", "ru": "a"},
        summary={"kk": "a", "ru": "a"}, next_steps={"kk": "a", "ru": "a"},
    )
    problems = validate(KnowledgeBase(norms=KB.norms, explanations={"exp-broken": broken}))
    assert any("no paragraph 9" in p for p in problems)


def test_citation_standard_forms() -> None:
    assert format_citation("tk", "6", "ru") == "статья 6 Трудового кодекса РК"
    assert format_citation("tk", "6", "kk") == "Еңбек кодексінің 6-бабы"
    assert format_citation("koap", "90", "ru", "3") == "статья 90 Кодекса РК об административных правонарушениях (часть 3)"
    assert format_citation("const2026", "16", "kk", "2") == "2026 жылғы Конституцияның 16-бабы (2-тармақ)"
    assert format_citation("tk", "22", "ru", "1.15") == "статья 22 Трудового кодекса РК (пункт 1, подпункт 15)"


def test_answer_quotes_the_norm_verbatim_with_edition_and_disclaimer() -> None:
    exp = KB.by_intent("ask_pregnant_dismissal")
    for lang, marker, disclaimer in (("ru", "редакция от 02.03.2026", "не индивидуальная"), ("kk", "02.03.2026 редакциясы", "жеке заң кеңесі емес")):
        answer = explanation_answer(KB, exp, lang)
        assert marker in answer.text and disclaimer in answer.text
        assert "tk-054" in answer.knowledge_ids
        tk054 = next(c for c in answer.citations if c.norm_id == "tk-054")
        version, _ = KB.norms["tk-054"].version(lang)
        assert tk054.text in answer.text
        for line in tk054.text.splitlines():
            assert line.strip() in version.text


def test_old_editions_are_flagged() -> None:
    answer = explanation_answer(KB, KB.by_intent("ask_time_limits"), "ru")
    assert "10.06.2020" in answer.text and "adilet.zan.kz" in answer.text
    assert any(c.stale for c in answer.citations if c.norm_id == "tk-160")


def test_norm_missing_in_kazakh_is_shown_in_russian_with_a_note() -> None:
    answer = norm_answer(KB, "tk-192", None, "kk")
    assert answer.citations[0].text_lang == "ru"
    assert "тек мына тілде бар" in answer.text


def test_item_display_keeps_its_paragraph_lead() -> None:
    version, _ = KB.norms["tk-022"].version("ru")
    shown = paragraph_for_display(version, "1.15")
    assert shown.startswith("1. Работник имеет право на:") and "15)" in shown


def test_unsure_answer_cites_nothing() -> None:
    for lang in ("kk", "ru"):
        answer = unsure_answer(lang)
        assert answer.citations == [] and answer.knowledge_ids == []
