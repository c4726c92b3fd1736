"""action_answer with a situation in the slots (what tendik.rasa.situation and the slot mappings
set): the first reply names the ground and stage and quotes the paragraph that names the ground;
follow-ups ("а сроки?", "у нас 5 человек", a denied ground) use the slots; the "more" buttons open
the views. Real Tracker + CollectingDispatcher, real knowledge, nothing mocked."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tendik.actions.actions import ActionAnswer, knowledge
from tendik.answers import explanation_citations
from tendik.knowledge.situations import load_situations
from tendik.payload import AnswerPayload
from tests.test_actions import make_tracker, run, slot_events

pytestmark = pytest.mark.unit

SK = load_situations()


def answers(text: str, intent: str, lang: str = "ru", entities: list[tuple[str, Any]] | None = None,
            **slots: Any) -> tuple[list[AnswerPayload], list[dict]]:
    """Every payload the action sent (a long view comes in several messages) and its events. A story
    (``inform_situation``) given slots and no entities is one that tells them: its entities are those slots, as the
    extractor gives them; ``entities=[]`` is a message that tells nothing new."""
    if entities is None and intent == "inform_situation":
        entities = [("ground", g) for g in slots.get("grounds") or []] + ([("stage", slots["stage"])] if slots.get("stage") else [])
    dispatcher, events = run(ActionAnswer(), make_tracker(text, intent, slots={"language": lang, **slots}, entities=entities))
    out = []
    for message in dispatcher.messages:
        if not message.get("custom"):
            continue
        payload = AnswerPayload.from_dict(message["custom"])
        assert payload is not None
        assert message["text"] == payload.plain_text() and len(message["text"]) <= 4096
        assert [b["payload"] for b in message["buttons"]] == [b.payload for b in payload.buttons]
        out.append(payload)
    return out, events


def answer(text: str, intent: str, lang: str = "ru", entities: list[tuple[str, Any]] | None = None,
           **slots: Any) -> tuple[AnswerPayload, str, list[dict]]:
    """The one payload of a first reply (never split), its text and the events."""
    payloads, events = answers(text, intent, lang, entities, **slots)
    assert len(payloads) == 1, [p.plain_text()[:80] for p in payloads]
    return payloads[0], payloads[0].plain_text(), events


def view(text: str, intent: str, lang: str = "ru", entities: list[tuple[str, Any]] | None = None,
         **slots: Any) -> tuple[AnswerPayload, str, list[dict]]:
    """A view (it may come in several messages): the first message's payload, all the text."""
    payloads, events = answers(text, intent, lang, entities, **slots)
    return payloads[0], "\n\n".join(p.plain_text() for p in payloads), events


def quoted(payload: AnswerPayload) -> set[str]:
    return {f"{c.norm_id}:{c.paragraph}" for c in payload.quoted()}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_a_residence_story_names_the_ground_and_quotes_art_6_2(lang: str) -> None:
    payload, text, _ = answer("без прописки не берут на работу", "inform_situation", lang,
                              entities=[("ground", "residence"), ("stage", "hiring")], grounds=["residence"], stage="hiring")
    assert payload.source == "situation"
    assert SK.grounds["residence"].name[lang] in text and SK.stages["hiring"].name[lang] in text
    assert "tk-006:2" in quoted(payload)
    assert payload.situation == {"grounds": ["residence"], "stage": "hiring"}
    assert {b.payload for b in payload.buttons} >= {f'/show_more{{"view":"law","topic":"{payload.topic}"}}'}
    assert len(text) <= 1000


def test_a_topic_intent_with_a_ground_in_the_message_answers_the_situation() -> None:
    """"меня уволили из-за возраста" read as the pregnancy-dismissal topic still gets age named."""
    payload, text, _ = answer("меня уволили из-за возраста", "ask_pregnant_dismissal",
                              entities=[("ground", "age"), ("stage", "dismissal")], grounds=["age"], stage="dismissal")
    assert SK.grounds["age"].name["ru"] in text and "беремен" not in text.lower().split("ваш случай")[0]
    assert "tk-006:2" in quoted(payload)


def test_a_question_topic_keeps_its_answer_even_with_a_situation() -> None:
    payload, _, _ = answer("какой штраф за это?", "ask_employer_liability", grounds=["age"], stage="dismissal")
    assert payload.source == "intent" and payload.topic == "exp-employer-liability"
    assert payload.situation["grounds"] == ["age"]


def test_time_limits_after_a_dismissal_story_answer_with_art_160_for_that_case() -> None:
    payload, text, _ = view("а сроки?", "ask_time_limits", grounds=["age"], stage="dismissal")
    assert payload.view == "route"
    assert any(c.norm_id == "tk-160" for c in payload.quoted())
    assert "88-НП" in text  # the Constitutional Court's note is quoted whenever a time limit is stated


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_situation_told_with_where_to_complain_gets_the_short_answer_with_the_route(lang: str) -> None:
    """"не берут в хиджабе, куда жаловаться?" is a first message: the short situation answer (not the
    3,900-character route view), with where to go in it and the route one tap away."""
    payload, text, _ = answer("не берут тренером, потому что я в хиджабе, куда жаловаться?", "ask_how_to_complain", lang,
                              entities=[("ground", "religion"), ("stage", "hiring")], grounds=["religion"], stage="hiring")
    assert payload.source == "situation" and len(text) <= 1000
    assert SK.route(None).phrase.text[lang] in text
    assert "tk-006:2" in quoted(payload)
    assert any('"view":"route"' in b.payload for b in payload.buttons)
    # the same question after the story (nothing new told) is the route view
    later, _, _ = view("а куда жаловаться?", "ask_how_to_complain", lang, grounds=["religion"], stage="hiring")
    assert later.view == "route"


def test_time_limits_without_a_situation_is_the_topic_answer() -> None:
    payload, _, _ = answer("какие сроки?", "ask_time_limits")
    assert payload.view == "short" and payload.topic == "exp-time-limits"


def test_a_small_employer_changes_the_route_to_art_159() -> None:
    before, _, _ = view("а куда жаловаться?", "ask_how_to_complain", grounds=["age"], stage="dismissal")
    after, text, _ = view("у нас 5 человек", "inform_situation", entities=[("employer_kind", "micro"), ("employer_size", 5)],
                            grounds=["age"], stage="dismissal", employer_kind="micro", employer_size=5.0)
    assert after.view == "route" and after.situation["employer_size"] == 5
    assert "tk-159:1" in quoted(after)  # the route rests on art. 159(1), quoted
    assert after.plain_text() != before.plain_text()
    assert SK.route("micro").phrase.text["ru"] in text
    assert any(r.norm_id == "tk-159" for r in SK.route("micro").phrase.rests_on)


@pytest.mark.parametrize(("lang", "text"), [("ru", "у нас в отделении 8 человек"), ("kk", "бөлімімізде 8 адам бар")])
def test_a_follow_up_that_tells_nothing_new_gets_where_and_by_when_not_the_same_answer(lang: str, text: str) -> None:
    """After a bank cashier's story a branch's headcount tells nothing the extractor reads (it is not the
    employer's): the reply is where to go and by when for the situation known, not the first answer again."""
    slots = {"grounds": ["religion"], "stage": "transfer", "employer_kind": "other"}
    first, _, _ = answer("в банке после хиджаба перевели в архив", "inform_situation", lang,
                         entities=[("ground", "religion"), ("stage", "transfer")], **slots)
    after, all_text, _ = view(text, "inform_situation", lang, entities=[], **slots)
    assert first.source == "situation" and after.view == "route"
    assert after.plain_text() != first.plain_text()
    assert SK.route("other").phrase.text[lang] in all_text  # the conciliation commission first: not a micro-enterprise
    assert after.situation["employer_kind"] == "other"


def test_a_question_told_after_a_story_is_not_taken_for_nothing_new() -> None:
    """A question the extractor reads nothing in still gets the situation answer's reading of it, not the route."""
    payload, _, _ = answer("и что мне теперь делать?", "inform_situation", entities=[], grounds=["age"], stage="dismissal")
    assert payload.view != "route"


def test_a_denied_ground_is_removed_from_the_slot() -> None:
    payload, text, events = answer("нет, я не беременна", "inform_situation", entities=[("ground_not", "pregnancy")],
                                   grounds=["pregnancy", "children_under_3"], stage="dismissal")
    assert slot_events(events)["grounds"] == ["children_under_3"]
    assert payload.situation["grounds"] == ["children_under_3"]
    assert SK.grounds["pregnancy"].name["ru"] not in text.split("\n\n")[0]


def test_an_employer_without_a_situation_asks_what_happened() -> None:
    dispatcher, _ = run(ActionAnswer(), make_tracker("у нас 5 человек", "inform_situation", slots={"language": "kk"},
                                                      entities=[("employer_size", 5)]))
    assert not [m for m in dispatcher.messages if m.get("custom")]
    assert "Не болғанын айтып беріңізші" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("topic", ["exp-equal-pay", "exp-pregnant-dismissal", "exp-time-limits"])
@pytest.mark.parametrize("view", ["law", "steps", "route", "full"])
def test_every_more_button_opens_its_view_in_messages_of_at_most_4096(view: str, topic: str) -> None:
    kb = knowledge()
    first, _, _ = answer("вопрос", kb.explanations[topic].intent)
    button = next(b for b in [*first.buttons, *_view_buttons(topic)] if f'"view":"{view}"' in b.payload)
    data = json.loads(button.payload.removeprefix("/show_more"))
    shown: list[AnswerPayload] = []
    entities = [("view", data["view"]), ("topic", data["topic"])]
    while True:  # follow the "next page" buttons of the law view
        payloads, _ = answers(button.payload, "show_more", entities=entities)
        assert all(p.view == view and p.topic == topic for p in payloads)
        shown += payloads
        nxt = [b for b in payloads[-1].buttons if '"page"' in b.payload]
        if not nxt:
            break
        page = json.loads(nxt[0].payload.removeprefix("/show_more"))["page"]
        entities = [("view", "law"), ("topic", topic), ("page", page)]
        assert page <= 10
    if view == "law":  # every paragraph the explanation links, verbatim (a long one in pieces)
        linked = {(c.norm_id, c.paragraph) for c in explanation_citations(kb, kb.explanations[topic], "ru")}
        assert {(c.norm_id, c.paragraph) for p in shown for c in p.quoted()} == linked
        assert {(c.norm_id, c.paragraph) for c in first.quoted()} <= linked


def _view_buttons(topic: str) -> list:
    from tendik.compose import more_buttons

    return more_buttons(topic, "ru", ("law", "steps", "route", "full"))


def test_more_typed_opens_the_whole_answer_of_the_last_topic() -> None:
    payload, _, _ = answer("подробнее", "show_more", last_knowledge=["exp-job-ads", "tk-026"])
    assert payload.view == "full" and payload.topic == "exp-job-ads"


@pytest.mark.parametrize("topic", ["exp-nope", "", "../../etc/passwd", "x" * 5000])
def test_a_more_button_for_an_unknown_topic_says_so(topic: str) -> None:
    dispatcher, _ = run(ActionAnswer(), make_tracker('/show_more{"view":"law"}', "show_more", slots={"language": "ru"},
                                                      entities=[("view", "law"), ("topic", topic)]))
    if topic:
        assert "Не нашёл продолжения" in dispatcher.messages[0]["text"]
    assert not [m for m in dispatcher.messages if m.get("custom", {}).get("citations")]


@pytest.mark.parametrize("slots", [
    {"grounds": "age", "stage": "dismissal"},
    {"grounds": ["not-a-ground", 5, None], "stage": "bogus"},
    {"grounds": ["age"], "employer_size": "many", "employer_kind": "alien"},
])
def test_odd_slot_values_never_crash(slots: dict[str, Any]) -> None:
    dispatcher, _ = run(ActionAnswer(), make_tracker("меня уволили", "inform_situation", slots={"language": "ru", **slots},
                                                      entities=[("stage", "dismissal")]))
    assert dispatcher.messages


def test_an_answer_offers_its_lesson_and_the_lesson_opens() -> None:
    first, _, _ = answer("равная оплата", "ask_equal_pay", "kk")
    lesson = next(b for b in first.buttons if b.payload.startswith("/open_lesson"))
    data = json.loads(lesson.payload.removeprefix("/open_lesson"))
    payload, text, _ = answer(lesson.payload, "open_lesson", "kk", entities=[("lesson", data["lesson"])])
    assert payload.view == "lesson" and payload.topic == "exp-equal-pay"
    assert payload.quoted() and "/learn" in text
    dispatcher, _ = run(ActionAnswer(), make_tracker('/open_lesson{"lesson":"nope"}', "open_lesson", slots={"language": "ru"},
                                                      entities=[("lesson", "nope")]))
    assert not [m for m in dispatcher.messages if m.get("custom")]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_first_situation_reply_cites_only_what_it_shows(lang: str) -> None:
    """Every ground x stage (with a second ground, with a known employer): the first reply quotes one
    paragraph; every other citation is an act and article named in its compact "see also" line,
    which comes last, after the next steps, and only when the reply still fits FIRST_REPLY_BUDGET, or,
    when the quoted paragraph alone fills that budget (no step fits), FIRST_REPLY_MAX (else it is left
    out with its citations: the law view has them)."""
    from tendik.compose import FIRST_REPLY_BUDGET, FIRST_REPLY_MAX
    from tendik.knowledge.norms import SHORT_NAMES

    kb = knowledge()
    grounds, stages = list(SK.grounds), list(SK.stages)
    lines = 0
    for n, g in enumerate(grounds):
        for s in stages:
            extra = {"grounds": [g, grounds[(n + 3) % len(grounds)]]} if n % 3 == 0 else {"grounds": [g]}
            kind = {"employer_kind": "micro"} if n % 4 == 0 else {}
            payload, text, _ = answer("история", "inform_situation", lang, stage=s, **extra, **kind)
            assert len(payload.quoted()) == 1, (g, s)
            line = next((sec.text for sec in payload.sections if sec.kind == "see_also"), "")
            for c in payload.citations:
                if c in payload.quoted():
                    continue
                norm = kb.norms[c.norm_id]
                assert line and SHORT_NAMES[norm.code][lang] in line and norm.article in line, (g, s, c.norm_id, line)
            kinds = [sec.kind for sec in payload.sections]
            if line:
                lines += 1
                assert len(text) <= FIRST_REPLY_BUDGET or ("steps" not in kinds and len(text) <= FIRST_REPLY_MAX), (g, s, len(text))
                # the line comes after the steps
                assert "steps" not in kinds or kinds.index("steps") < kinds.index("see_also"), (g, s, kinds)
            if "steps" in kinds:
                assert len(text) <= FIRST_REPLY_BUDGET, (g, s, len(text))
            assert any(b.payload.startswith('/show_more{"view":"law"') for b in payload.buttons)
    assert lines  # the line is there when it fits


@pytest.mark.parametrize(("ground", "stage"), [("pregnancy", "conditions"), ("children_under_3", "transfer"),
                                               ("single_parent", "promotion_training"), ("minor", "pay")])
def test_a_special_protection_ground_at_another_stage_quotes_the_general_prohibition(ground: str, stage: str) -> None:
    """TK arts 25(2) and 54(2) are about hiring and dismissal: a pregnant worker moved to night shifts
    gets art. 6(2) quoted, and the sentence says where the special protections are."""
    payload, text, _ = answer("история", "inform_situation", "ru", grounds=[ground], stage=stage)
    assert quoted(payload) == {"tk-006:2"}
    assert "по иным обстоятельствам" in text or "возраста" in text


def test_a_minor_dismissed_gets_the_criminal_code_named_and_art_6_2_quoted() -> None:
    payload, text, _ = answer("история", "inform_situation", "ru", grounds=["minor"], stage="dismissal")
    assert quoted(payload) == {"tk-006:2"}
    assert "статье 152 УК" in text


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize(("ground", "stage"), [("age", "dismissal"), ("residence", "hiring"), ("pregnancy", "dismissal"),
                                               ("sex", "pay"), ("trade_union", "transfer")])
def test_a_question_keeps_the_norms_line_a_story_gets_the_steps_first(lang: str, ground: str, stage: str) -> None:
    """Asked what the law says (a topic intent), the first reply names the topic's other norms in its
    "see also" line (up to FIRST_REPLY_MAX characters); told a story (inform_situation), it stays within
    FIRST_REPLY_BUDGET: the next steps first, the line only if it still fits (else the law view has it)."""
    from tendik.compose import FIRST_REPLY_BUDGET, FIRST_REPLY_MAX

    told = {"entities": [("ground", ground), ("stage", stage)], "grounds": [ground], "stage": stage}
    question, qtext, _ = answer("можно ли так?", "ask_hiring_refusal", lang, **told)
    story, stext, _ = answer("вот что случилось", "inform_situation", lang, **told)
    assert question.source == story.source == "situation" and quoted(question) == quoted(story)
    qkinds, skinds = [s.kind for s in question.sections], [s.kind for s in story.sections]
    assert "see_also" in qkinds and len(qtext) <= FIRST_REPLY_MAX
    # within the budget, or the quoted paragraph alone fills it: no step, and the line only up to FIRST_REPLY_MAX
    assert len(stext) <= FIRST_REPLY_BUDGET or skinds.count("lead") == 1 and "steps" not in skinds and len(stext) <= FIRST_REPLY_MAX
    if "see_also" in skinds and "steps" in skinds:
        assert skinds.index("steps") < skinds.index("see_also")
    if "see_also" not in skinds:  # the line and its citations go together
        assert {c.norm_id for c in story.citations} == {c.norm_id for c in story.quoted()}
    assert {c.norm_id for c in story.citations} <= {c.norm_id for c in question.citations}


@pytest.mark.parametrize(("lang", "told"), [
    ("ru", "без прописки в Алматы не берут на работу, а я из Талдыкоргана"),
    ("kk", "тұрғылықты жерім басқа облыста деп жұмысқа алмады"),
    ("kk", "turgylykty zherim baska oblysta dep zhumyska almady"),
])
def test_a_story_classified_as_a_topic_still_gets_the_steps_first(lang: str, told: str) -> None:
    """A story told without asking anything, even when the classifier calls it a topic
    (ask_hiring_refusal), is answered like a story: the next steps first, within FIRST_REPLY_BUDGET;
    the same words with "это законно?" keep the topic's "see also" line."""
    from tendik.compose import FIRST_REPLY_BUDGET

    slots = {"entities": [("ground", "residence"), ("stage", "hiring")], "grounds": ["residence"], "stage": "hiring"}
    story, stext, _ = answer(told, "ask_hiring_refusal", lang, **slots)
    plain, _, _ = answer(told, "inform_situation", lang, **slots)
    asked, _, _ = answer(told + ". это законно?", "ask_hiring_refusal", lang, **slots)
    assert [s.kind for s in story.sections] == [s.kind for s in plain.sections]
    assert len(stext) <= FIRST_REPLY_BUDGET
    assert "see_also" in [s.kind for s in asked.sections]


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize(("intent", "ground", "stage"), [
    ("ask_equal_pay", "origin", "pay"), ("ask_language_at_work", "language", "hiring"),
    ("ask_gender_equality", "sex", "promotion"), ("ask_maternity_leave", "pregnancy", "dismissal"),
])
def test_a_topic_question_told_with_a_situation_names_the_asked_topics_norms(lang: str, intent: str, ground: str, stage: str) -> None:
    """"одним национальностям платят больше ... куда это подпадает?" (equal pay asked, origin told): the
    reply answers the situation (its ground named, its paragraph quoted); its "see also" line and its
    buttons are the asked topic's; a story told with the same slots quotes the same paragraph."""
    told = {"entities": [("ground", ground), ("stage", stage)], "grounds": [ground], "stage": stage}
    payload, text, _ = answer("так можно?", intent, lang, **told)
    asked = knowledge().by_intent(intent)
    assert asked is not None and payload.source == "situation"
    assert SK.grounds[ground].name[lang] in text
    cited = {c.norm_id for c in payload.citations}
    topic_norms = [c.norm_id for c in explanation_citations(knowledge(), asked, lang)]
    assert cited & set(topic_norms), (cited, topic_norms)
    # the line's norms are one tap away: the law button opens the asked topic
    assert f'/show_more{{"view":"law","topic":"{asked.id}"}}' in {b.payload for b in payload.buttons}
    story, _, _ = answer("вот что случилось", "inform_situation", lang, **told)
    assert {c.norm_id for c in story.quoted()} == {c.norm_id for c in payload.quoted()}


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("intent", ["ask_discrimination_definition", "ask_protected_grounds"])
def test_is_this_discrimination_about_a_situation_without_a_ground_names_art_6(lang: str, intent: str) -> None:
    """"мне ставят самые тяжёлые смены, а другим нормальные, это дискриминация?" (no ground told): the reply
    answers the stage (its paragraph quoted) and names what was asked, TK art. 6, one tap away; with a
    ground told, the ground's answer is unchanged (art. 6(2) quoted, the ground's topic)."""
    told = {"entities": [("stage", "conditions")], "stage": "conditions"}
    payload, text, _ = answer("это дискриминация?", intent, lang, **told)
    asked = knowledge().by_intent(intent)
    assert asked is not None and payload.source == "situation" and payload.topic == asked.id
    assert quoted(payload) == {str(SK.stages["conditions"].paragraph)}
    assert "tk-006" in {c.norm_id for c in payload.citations}
    see_also = [s for s in payload.sections if s.kind == "see_also"]
    assert see_also and re.search(r"(?:ст\. |— )6\b", see_also[0].text), see_also
    assert f'/show_more{{"view":"law","topic":"{asked.id}"}}' in {b.payload for b in payload.buttons}
    with_ground, _, _ = answer("это дискриминация?", intent, lang, entities=[("ground", "age"), ("stage", "conditions")],
                               grounds=["age"], stage="conditions")
    assert with_ground.topic != asked.id or asked.id == SK.grounds["age"].topic
    assert "tk-006:2" in quoted(with_ground)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_a_labour_inspection_question_told_with_unpaid_wages_names_the_inspection_articles(lang: str) -> None:
    """"инспектор выдал предписание выплатить зарплату, а он не платит — что дальше?": the situation's
    short answer with the route sentence, and the labour inspection's articles (TK 191-198) named."""
    payload, text, _ = answer("что дальше будет?", "ask_labour_inspection", lang,
                              entities=[("stage", "pay")], stage="pay")
    assert payload.source == "situation" and len(text) <= 1000
    assert {"tk-193", "tk-198"} & {c.norm_id for c in payload.citations}


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize(("slots", "expected"), [
    ({"grounds": ["sex"], "stage": "pay"}, "koap-090:1"),
    ({"grounds": ["single_parent"], "stage": "conditions"}, "koap-090:1"),
    ({"grounds": ["sex"], "stage": "job_ad"}, "koap-090:3"),
    ({}, "koap-090:3"),  # no situation told: the shorter of the lead's two paragraphs, as before
])
def test_a_fine_asked_after_a_story_quotes_the_fine_for_that_stage(lang: str, slots: dict[str, Any], expected: str) -> None:
    """"а штраф работодателю за это будет?" after an unequal-pay (or unequal-conditions) story quotes
    КоАП art. 90(1), the fine for exactly that; after a job-ad story, art. 90(3)."""
    payload, text, _ = answer("а штраф работодателю за это будет?", "ask_employer_liability", lang, **slots)
    assert payload.topic == "exp-employer-liability"
    assert quoted(payload) == {expected}
    assert len(text) <= 4096


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize(("ground", "stage"), [("sex", "job_ad"), ("pregnancy", "dismissal")])
def test_a_story_whose_paragraph_fills_the_budget_still_names_the_other_norms(lang: str, ground: str, stage: str) -> None:
    """КоАП 90(3) or TK 54(2) alone fill the 700-character budget, so no step fits: the story's reply
    is long anyway and keeps the line of the topic's other norms (within FIRST_REPLY_MAX)."""
    from tendik.compose import FIRST_REPLY_BUDGET, FIRST_REPLY_MAX

    payload, text, _ = answer("история", "inform_situation", lang, grounds=[ground], stage=stage)
    kinds = [s.kind for s in payload.sections]
    assert "steps" not in kinds and "see_also" in kinds
    assert FIRST_REPLY_BUDGET < len(text) <= FIRST_REPLY_MAX
    assert {c.norm_id for c in payload.citations} > {c.norm_id for c in payload.quoted()}


@pytest.mark.parametrize(("lang", "ground", "stage"), [("ru", "sex", "pay"), ("kk", "sex", "hiring"),
                                                       ("kk", "pregnancy", "hiring"), ("kk", "minor", "hiring")])
def test_a_story_gives_up_a_later_step_for_the_line_of_other_norms(lang: str, ground: str, stage: str) -> None:
    """Two or three steps fit the 700-character budget but not with the topic's "see also" line: the
    reply keeps the first step(s) and the line (every step is one tap away, the other norms would not
    be named at all)."""
    from tendik.compose import FIRST_REPLY_BUDGET

    payload, text, _ = answer("история", "inform_situation", lang, grounds=[ground], stage=stage)
    kinds = [s.kind for s in payload.sections]
    assert "steps" in kinds and "see_also" in kinds and kinds.index("steps") < kinds.index("see_also")
    assert len(text) <= FIRST_REPLY_BUDGET
    steps = next(s.items for s in payload.sections if s.kind == "steps")
    assert steps == [st.text[lang] for st in SK.stages[stage].steps[:len(steps)]]
    assert {c.norm_id for c in payload.citations} > {c.norm_id for c in payload.quoted()}


@pytest.mark.parametrize(("lang", "text"), [
    ("ru", "испытательный мне продлили ещё раз, теперь до полугода"),
    ("kk", "сынақ мерзімімді тағы екі айға ұзартты, не істеймін"),
    ("kk", "bastyq synaq merzimin uzartty, eshteñe tüsindirmedi"),
])
def test_a_probation_extended_quotes_its_longest_term_not_its_result(lang: str, text: str) -> None:
    """A probation extended (no ground told): the reply quotes TK art. 36(2) (three months, six for
    managers) with its phrase and steps, not art. 37(1) (a failed probation) as for other probation stories."""
    payload, reply, _ = answer(text, "inform_situation", lang, entities=[("stage", "probation")], stage="probation")
    term = SK.stages["probation"].details["term"]
    assert quoted(payload) == {"tk-036:2"}
    assert term.phrase.text[lang] in reply
    assert SK.stages["probation"].phrase.text[lang] not in reply
    assert len(reply) <= 1000


@pytest.mark.parametrize("lang", ["kk"])  # the Russian paragraph leaves no room for a step in 700 characters
def test_a_probation_extended_lists_its_own_steps(lang: str) -> None:
    """Without the self-check offer (inside the self-check) a step fits: the detail's, not the stage's
    first step about a failed probation."""
    from tendik.compose import SituationState, situation_answer

    payload = situation_answer(knowledge(), SK, SituationState(stage="probation"), lang, detail="term")
    steps = next(s.items for s in payload.sections if s.kind == "steps")
    assert steps == [st.text[lang] for st in SK.stages["probation"].details["term"].steps[:len(steps)]]
    assert SK.stages["probation"].steps[0].text[lang] not in payload.plain_text()


@pytest.mark.parametrize(("text", "entities", "slots", "want"), [
    # a failed probation: its result (art. 37(1))
    ("на испытательном сроке сказали, что я не прошла, без объяснений", [("stage", "probation")], {"stage": "probation"}, {"tk-037:1"}),
    # extended, but for a ground: the ground's paragraph names it (TK art. 6(2))
    ("продлили испытательный из-за татуировок", [("stage", "probation"), ("ground", "other")],
     {"stage": "probation", "grounds": ["other"]}, {"tk-006:2"}),
    # the extension told before; this message only adds the employer: the route view answers
    ("у нас 9 человек", [("employer_size", 9)], {"stage": "probation", "employer_size": 9}, None),
])
def test_other_probation_stories_keep_their_paragraph(text: str, entities: list[tuple[str, Any]], slots: dict[str, Any],
                                                      want: set[str] | None) -> None:
    payloads, _ = answers(text, "inform_situation", "ru", entities=entities, **slots)
    if want is None:
        assert payloads[0].view == "route" and all("tk-036:2" not in quoted(p) for p in payloads)
    else:
        assert len(payloads) == 1 and quoted(payloads[0]) == want
