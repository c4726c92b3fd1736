"""Real conversations through the local Bot API server to the real Rasa and action server, in
Kazakh and Russian: /start and the language choice, questions answered with cited norms, Rasa's
buttons as inline keyboards, the topic menu, votes and the optional comment, every message the
stored payload rendered within the limit,
the language switch, /help, /privacy, /lang, commands per language, every button answered."""

from __future__ import annotations

import json

import pytest
from conftest import TelegramBot, new_user_id, visible

from tendik.payload import AnswerPayload
from tendik.telegram.html_text import escape, utf16_len
from tendik.telegram.render import render_answer
from tendik.telegram.texts import COMMANDS
from tests.fakes.telegram_api import parse_telegram_html

KAZAKH_LETTERS = set("әғқңөұүһі")

QUESTIONS = {
    "ru": ("меня уволили когда я была беременна", "tk-054", "статья 54 трудового кодекса рк"),
    "kk": ("жүкті болғаным үшін жұмысқа алмады", "tk-025", "еңбек кодексінің 25-бабы"),
}


def has_kazakh(text: str) -> bool:
    return bool(KAZAKH_LETTERS & set(text.lower()))


def user_events(tg: TelegramBot, user_id: int) -> list[dict]:
    rows = tg.query("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", tg.sender_id(user_id))
    return [json.loads(r[0]) for r in rows]


def bot_answer_payloads(tg: TelegramBot, user_id: int) -> list[dict]:
    rows = tg.query("SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot' ORDER BY id", tg.sender_id(user_id))
    out = []
    for (data,) in rows:
        custom = (json.loads(data).get("data") or {}).get("custom")
        if isinstance(custom, dict) and custom.get("type") == "tendik_answer":
            out.append(custom)
    return out


def vote_data(message) -> tuple[str, str]:  # noqa: ANN001
    return message.button("v:h:")["callback_data"], message.button("v:n:")["callback_data"]


# ---------------------------------------------------------------- /start
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_start_offers_both_languages_then_explains_and_shows_privacy(tg: TelegramBot, lang: str) -> None:
    user = new_user_id()
    prompt = tg.say(user, "/start", language_code=None)
    assert len(prompt) == 1
    assert [b["text"] for b in prompt[0].buttons()] == ["Қазақша", "Русский"]
    answer, msgs = tg.press(user, prompt[0], f"l:{lang}:start")
    assert answer.get("text")  # the press is answered: no spinning button
    assert prompt[0].reply_markup is None and prompt[0].edits == 1  # the choice replaced the buttons
    text = visible(msgs)
    about = text.split("\n\n")[0].splitlines()
    assert len(about) == 2  # a two-line description: what it can do, what it cannot
    if lang == "ru":
        assert "правовую информацию" in about[0] and "ссылка на норму" in about[0]
        assert "не юрист" in about[1] and "индивидуальных юридических консультаций" in about[1]
        assert "Конфиденциальность" in text and "/privacy" in text and "/delete" in text
        assert not has_kazakh(text.replace("Теңдік", ""))
    else:
        assert "құқықтық ақпарат" in about[0] and "сілтеме" in about[0]
        assert "заңгер емеспін" in about[1] and "жеке заң кеңесін бермеймін" in about[1]
        assert "Құпиялылық" in text and "/privacy" in text and "/delete" in text
    assert tg.query("SELECT language FROM tendik_tg_users WHERE sender_id = ?", tg.sender_id(user)) == [(lang,)]


# ---------------------------------------------------------------- questions
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_question_is_answered_with_the_norm_and_vote_buttons(tg: TelegramBot, lang: str) -> None:
    question, norm_id, citation = QUESTIONS[lang]
    user = new_user_id()
    tg.choose_language(user, lang)
    msgs = tg.say(user, question)
    text = visible(msgs)
    assert citation in text.lower(), text
    assert ("редакциясы" if lang == "kk" else "редакция от") in text
    assert has_kazakh(text.replace("Теңдік", "")) == (lang == "kk")
    assert "<blockquote>" in "".join(m.html for m in msgs)
    assert all(utf16_len(m.text) <= 4096 for m in msgs)
    # rendered from the stored payload's sections: the worker's case or the topic's title in bold
    # first, each quoted norm under its citation and edition
    stored = AnswerPayload.from_dict(bot_answer_payloads(tg, user)[-1])
    assert stored is not None and stored.quoted()
    head = stored.sections[0]
    assert msgs[0].html.startswith(f"<b>{escape(head.heading)}:</b> " if head.kind == "situation" else f"<b>📌 {escape(head.text)}</b>")
    for c in stored.quoted():
        assert f"<blockquote>{escape(c.text.strip())}</blockquote>" in "".join(m.html for m in msgs)
        assert f"{c.citation[:1].upper()}{c.citation[1:]}, {c.edition}" in text
    # Rasa got the message under the hashed id, with the language and the channel.
    events = user_events(tg, user)
    assert events and events[-1]["text"] == question
    assert events[-1]["metadata"]["language"] == lang and events[-1]["metadata"]["channel"] == "telegram"
    payload = bot_answer_payloads(tg, user)[-1]
    assert norm_id in {c["norm_id"] for c in payload["citations"]}
    # helpful / not helpful under the last part, naming this answer
    helpful, not_helpful = vote_data(msgs[-1])
    assert helpful == f"v:h:{payload['answer_id']}" and not_helpful == f"v:n:{payload['answer_id']}"
    assert all(not m.buttons() for m in msgs[:-1])


def test_every_message_is_the_stored_payload_rendered_within_the_limit(tg: TelegramBot) -> None:
    """The time-limits topic (its law view quotes TK art. 160 whole, court notes and all: the
    longest text): the first reply is one short message; the norms in full come one tap away, each
    message within 4,096 characters, valid HTML on its own, and exactly the rendering of the
    payload Rasa stored with it (nothing cut, lost or repeated)."""
    user = new_user_id()
    tg.choose_language(user, "ru")
    msgs = tg.say(user, "в какой срок можно обратиться в суд по трудовому спору")
    assert len(msgs) == 1 and utf16_len(msgs[0].text) <= 4096, [len(m.text) for m in msgs]
    law = msgs[-1].button("m:law:")
    _, pages = tg.press(user, msgs[-1], law["callback_data"])
    stored = bot_answer_payloads(tg, user)
    assert stored[-1].get("view") == "law"
    expected = [part for d in stored[1:] for part in render_answer(AnswerPayload.from_dict(d))]
    assert [m.html for m in pages] == expected
    for m in pages:
        assert utf16_len(m.text) <= 4096
        assert parse_telegram_html(m.html) == m.text  # every message is valid HTML on its own
    shown = " ".join(" ".join(m.text.split()) for m in pages)
    for d in stored[1:]:
        for c in AnswerPayload.from_dict(d).quoted():
            assert " ".join(c.text.split()) in shown, c.citation


def test_rasa_buttons_become_an_inline_keyboard_that_works(tg: TelegramBot) -> None:
    user = new_user_id()
    tg.choose_language(user, "ru")
    greeting = tg.say(user, "привет")
    buttons = greeting[-1].buttons()
    assert len(buttons) >= 10
    assert all(b["callback_data"].startswith(("r:/ask_", "r:/more_topics")) and len(b["callback_data"].encode()) <= 64 for b in buttons)
    equal_pay = greeting[-1].button("Равная оплата")
    answer, msgs = tg.press(user, greeting[-1], equal_pay["callback_data"])
    assert "статья 22 трудового кодекса рк" in visible(msgs).lower()
    assert user_events(tg, user)[-1]["text"] == "/ask_equal_pay"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_topics_menu(tg: TelegramBot, lang: str) -> None:
    user = new_user_id()
    tg.choose_language(user, lang)
    menu = tg.say(user, "/topics")[-1]
    titles = [b["text"] for b in menu.buttons()]
    exps = {e.intent: e for e in tg.ctx.deck.topics()}
    assert len(titles) == len(exps) == len(tg.ctx.deck.ids) >= 26
    assert titles == [e.title[lang] for e in tg.ctx.deck.topics()]
    _, msgs = tg.press(user, menu, "t:ask_job_ads")
    text = visible(msgs)
    assert exps["ask_job_ads"].title[lang] in text
    _, law = tg.press(user, msgs[-1], msgs[-1].button("m:law:")["callback_data"])  # the norms in full
    assert ("кодекстің 90-бабы" if lang == "kk" else "статья 90 кодекса рк об административных") in visible(law).lower()
    assert user_events(tg, user)[-1]["metadata"]["language"] == lang


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_time_limits_arrive_with_the_constitutional_court_notes(tg: TelegramBot, lang: str) -> None:
    """TK art. 160 as sent in Telegram (split over several messages): the 88-НП note is there and no
    three-month limit is offered as valid law; every message is valid Telegram HTML under the limit."""
    from bench.content_check import Rendering, flat, three_month_findings

    user = new_user_id()
    tg.choose_language(user, lang)
    menu = tg.say(user, "/topics")[-1]
    _, msgs = tg.press(user, menu, "t:ask_time_limits")
    text = visible(msgs)
    assert ("№ 88-НҚ" if lang == "kk" else "№ 88-НП") in text
    assert all(utf16_len(parse_telegram_html(m.text)) <= 4096 for m in msgs)
    payload = bot_answer_payloads(tg, user)[-1]
    verbatim = [flat(c["text"]) for c in payload["citations"]]
    assert not three_month_findings(Rendering("telegram", lang, flat(text), verbatim))


# ---------------------------------------------------------------- votes
def test_votes_are_stored_and_not_helpful_asks_one_optional_comment(tg: TelegramBot) -> None:
    user = new_user_id()
    sender = tg.sender_id(user)
    tg.choose_language(user, "ru")
    first = tg.say(user, "мне платят меньше чем мужчинам на той же должности")
    helpful, _ = vote_data(first[-1])
    answer, extra = tg.press(user, first[-1], helpful)
    assert answer["text"] == "Спасибо за оценку!" and extra == []
    left = [b["callback_data"] for b in first[-1].buttons()]
    assert left and not any(d.startswith("v:") for d in left) and any(d.startswith("m:") for d in left)  # the vote buttons are gone, the "more" (and lesson, self-check) buttons stay
    rows = tg.query("SELECT answer_id, vote, channel, language, comment FROM tendik_feedback WHERE sender_id = ?", sender)
    assert rows == [(helpful[4:], "helpful", "telegram", "ru", None)]

    second = tg.say(user, "меня не взяли на работу из-за возраста")
    _, not_helpful = vote_data(second[-1])
    _, prompt = tg.press(user, second[-1], not_helpful)
    assert len(prompt) == 1 and "не помог" in prompt[0].text and prompt[0].button("Пропустить")
    comment = "Слишком общо. Мой номер +7 701 123 45 67, звоните"
    saved = tg.say(user, comment)
    assert "комментарий сохранён" in visible(saved)
    rows = dict(((a, (v, c)) for a, v, c in tg.query("SELECT answer_id, vote, comment FROM tendik_feedback WHERE sender_id = ?", sender)))
    vote, stored = rows[not_helpful[4:]]
    assert vote == "not_helpful" and "Слишком общо" in stored and "701" not in stored  # personal data masked
    assert comment not in [e["text"] for e in user_events(tg, user)]  # the comment never went to Rasa

    # The next message is a question again.
    after = tg.say(user, "спасибо")
    assert "Пожалуйста" in visible(after)


def test_comment_can_be_skipped_and_expires_on_other_actions(tg: TelegramBot) -> None:
    user = new_user_id()
    tg.choose_language(user, "kk")
    answer = tg.say(user, "жалақыны ерлерге көп төлейді")
    _, not_helpful = vote_data(answer[-1])
    _, prompt = tg.press(user, answer[-1], not_helpful)
    skipped, _ = tg.press(user, prompt[0], "c:skip")
    assert skipped["text"] == "Жарайды. Жаңа сұрақ қоя аласыз." and prompt[0].reply_markup is None
    reply = tg.say(user, "рахмет")
    assert "пікіріңіз сақталды" not in visible(reply)
    assert user_events(tg, user)[-1]["text"] == "рахмет"

    again = tg.say(user, "жүкті болғаным үшін жұмысқа алмады")
    _, not_helpful = vote_data(again[-1])
    tg.press(user, again[-1], not_helpful)
    tg.say(user, "/topics")  # another action closes the comment window
    tg.say(user, "сәлем")
    assert user_events(tg, user)[-1]["text"] == "сәлем"
    comments = tg.query("SELECT comment FROM tendik_feedback WHERE sender_id = ? AND comment IS NOT NULL", tg.sender_id(user))
    assert comments == []


# ---------------------------------------------------------------- language, help, privacy
def test_language_switch_by_text_and_by_lang_command(tg: TelegramBot) -> None:
    user = new_user_id()
    tg.choose_language(user, "kk")
    switched = tg.say(user, "на русском")
    assert "по-русски" in visible(switched)
    assert tg.query("SELECT language FROM tendik_tg_users WHERE sender_id = ?", tg.sender_id(user)) == [("ru",)]
    ru = tg.say(user, "меня уволили из-за беременности")
    assert "статья 54" in visible(ru).lower() and user_events(tg, user)[-1]["metadata"]["language"] == "ru"

    prompt = tg.say(user, "/lang")[-1]
    answer, _ = tg.press(user, prompt, "l:kk")
    assert answer["text"].startswith("Тіл: қазақша")
    helped = tg.say(user, "/help")
    assert has_kazakh(visible(helped)) and "/subscribe" in visible(helped)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_help_and_privacy(tg: TelegramBot, lang: str) -> None:
    user = new_user_id()
    tg.choose_language(user, lang)
    help_text = visible(tg.say(user, "/help"))
    for command in COMMANDS:
        if command != "start":
            assert f"/{command}" in help_text
    privacy = visible(tg.say(user, "/privacy"))
    assert "HMAC" in privacy and "/delete" in privacy and "/unsubscribe" in privacy
    if lang == "kk":
        assert "чаттың нөмірін" in privacy and "жасырылады" in privacy
    else:
        assert "номер этого чата" in privacy and "скрываются" in privacy
    assert has_kazakh(privacy) == (lang == "kk")


def test_unknown_command_and_language_from_the_telegram_client(tg: TelegramBot) -> None:
    user = new_user_id()
    reply = tg.say(user, "/weather", language_code="kk")  # no choice yet: the client's language
    assert visible(reply) == "Мұндай команда жоқ. Командалар тізімі: /help"
    reply = tg.say(new_user_id(), "/weather", language_code="en")  # unknown: both languages
    assert "Мұндай команда жоқ" in visible(reply) and "Такой команды нет" in visible(reply)


def test_commands_are_described_in_both_languages(tg: TelegramBot) -> None:
    for code in ("kk", "ru", ""):
        commands = tg.api.commands[("default", code)]
        assert [c["command"] for c in commands] == list(COMMANDS)
    kk = {c["command"]: c["description"] for c in tg.api.commands[("default", "kk")]}
    ru = {c["command"]: c["description"] for c in tg.api.commands[("default", "ru")]}
    assert all(kk[c] == COMMANDS[c]["kk"] and ru[c] == COMMANDS[c]["ru"] for c in COMMANDS)
    assert has_kazakh(" ".join(kk.values())) and not has_kazakh(" ".join(ru.values()))
    assert tg.api.descriptions[("description", "kk")] and tg.api.descriptions[("short", "ru")]


def test_every_button_press_is_answered_even_outdated_ones(tg: TelegramBot) -> None:
    user = new_user_id()
    tg.choose_language(user, "ru")
    menu = tg.say(user, "/topics")[-1]
    for data in ("zzz", "t:ask_nothing", "l:xx", "v:q:1", "r#unknownkey"):
        answer, msgs = tg.press(user, menu, data)
        assert answer.get("text") == "Эта кнопка устарела.", data
        assert msgs == []
    # A vote pressed twice (a double tap) is answered both times and stored once.
    answer_msgs = tg.say(user, "что такое дискриминация")
    helpful, _ = vote_data(answer_msgs[-1])
    tg.press(user, answer_msgs[-1], helpful)
    tg.press(user, answer_msgs[-1], helpful)
    assert tg.query("SELECT count(*) FROM tendik_feedback WHERE sender_id = ?", tg.sender_id(user)) == [(1,)]
    assert all(v is not None for v in tg.api.callbacks.values())
