"""/learn through the local Bot API (tests.fakes.telegram_polls: sendPoll and poll_answer as Telegram
checks them), with the real bot (long polling) on its own SQLite database; Rasa is not needed.
The learn router is among the production routers (``tendik.telegram.handlers.routers``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Handled, TelegramBot, make_settings, new_user_id, visible

from tendik.learning.course import default_course
from tendik.learning.schedule import DAY
from tendik.telegram import app as telegram_app
from tendik.telegram.app import create_bot, create_dispatcher, start_polling
from tendik.telegram.context import create_context
from tendik.telegram.handlers import learn, routers
from tendik.telegram.learn_keyboards import LearnAction
from tests.fakes.telegram_api import ChatMessage, LoopThread
from tests.fakes.telegram_polls import PollBotAPI

COURSE = default_course()
LEARN_TABLES = ("tendik_learn_progress", "tendik_learn_lessons", "tendik_learn_answers", "tendik_learn_polls")


def wired_routers() -> list:
    found = routers()
    if not any(r.name == "learn" for r in found):
        found.insert(next(i for i, r in enumerate(found) if r.name == "chat"), learn.router())
    return found


@pytest.fixture(scope="module")
def bot(loop_thread: LoopThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TelegramBot]:
    tmp = tmp_path_factory.mktemp("learn-bot")
    api = PollBotAPI()
    loop_thread.run(api.start())
    db_path = tmp / "tracker.db"
    # Rasa is not started: nothing here talks to the assistant (a closed port).
    settings = make_settings(api, "http://127.0.0.1:9", f"sqlite:///{db_path}", tmp / "data")
    handled = Handled()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(telegram_app, "routers", wired_routers)

        async def build() -> tuple[Any, Any, Any]:
            ctx = create_context(settings)
            return create_bot(settings), create_dispatcher(ctx, observers=[handled]), ctx

        tg_bot, dp, ctx = loop_thread.run(build())
    harness = TelegramBot(loop_thread, api, settings, ctx, handled, db_path, bot=tg_bot, dp=dp)
    harness.polling = loop_thread.submit(start_polling(tg_bot, dp, settings, handle_signals=False))
    loop_thread.run(api.wait_until(lambda: api.getupdates_active > 0, 60))
    yield harness
    harness.stop()


def answer_poll(tg: TelegramBot, user_id: int, poll_message: ChatMessage, option: int, language_code: str = "ru") -> list[ChatMessage]:
    api: PollBotAPI = tg.api  # type: ignore[assignment]
    poll = api.poll_of(poll_message)
    return tg._after(user_id, api.answer_poll(user_id, poll["id"], [option], language_code))


def polls(messages: list[ChatMessage]) -> list[ChatMessage]:
    return [m for m in messages if m.kind == "poll"]


def rows(tg: TelegramBot, sql: str, *params: Any) -> list[tuple]:
    with sqlite3.connect(tg.db_path, timeout=30) as conn:
        return conn.execute(sql, params).fetchall()


def make_due(tg: TelegramBot, user_id: int) -> None:
    """Time passes: the learner's review questions fall due (as the next day)."""
    with sqlite3.connect(tg.db_path, timeout=30) as conn:
        conn.execute("UPDATE tendik_learn_answers SET due_at = due_at - ? WHERE sender_id = ? AND due_at IS NOT NULL",
                     (2 * DAY, tg.sender_id(user_id)))


def wrong(q) -> int:  # noqa: ANN001
    return (q.correct + 1) % len(q.options)


# ------------------------------------------------------------------ tests
def test_learn_sends_the_first_lesson_and_its_quiz_as_native_quiz_polls(bot: TelegramBot) -> None:
    user = new_user_id()
    lesson = COURSE.lessons[0]
    msgs = bot.say(user, "/learn")
    text = visible(msgs)
    c = COURSE.citation(lesson, "ru")
    assert lesson.title["ru"] in text and lesson.body("ru") in text
    assert c.edition in text and c.text.splitlines()[0].strip() in text  # the norm, verbatim, with its edition
    sent = polls(msgs)
    assert len(sent) == 1 and msgs[-1].kind == "poll"
    poll = bot.api.poll_of(sent[0])  # type: ignore[attr-defined]
    q = lesson.quiz[0]
    assert poll["type"] == "quiz" and poll["is_anonymous"] is False
    assert poll["question"] == q.question["ru"] and [o["text"] for o in poll["options"]] == [o["ru"] for o in q.options]
    assert poll["correct_option_ids"] == [q.correct] and poll["explanation"] == q.explanation.text["ru"]
    # the lesson message offers more on its topic (the assistant's answer) and the list of lessons
    lesson_msg = next(m for m in msgs if lesson.title["ru"] in m.text)
    assert lesson_msg.button(f"t:{COURSE.topic_intent(lesson)}") and lesson_msg.button(LearnAction(action="contents").pack())
    # nothing about the user in clear: only the hashed sender id
    assert rows(bot, "SELECT sender_id, current_lesson FROM tendik_learn_progress WHERE sender_id = ?", bot.sender_id(user)) == [
        (bot.sender_id(user), lesson.id)]
    for table in LEARN_TABLES:
        assert str(user) not in repr(rows(bot, f"SELECT * FROM {table}"))  # noqa: S608


def test_poll_answers_are_graded_and_the_lesson_completes(bot: TelegramBot) -> None:
    user = new_user_id()
    lesson = COURSE.lessons[0]
    first = polls(bot.say(user, "/learn"))[0]
    q1, q2 = lesson.quiz[0], lesson.quiz[1]
    after = answer_poll(bot, user, first, wrong(q1))
    assert [bot.api.poll_of(m)["question"] for m in polls(after)] == [q2.question["ru"]]  # type: ignore[attr-defined]
    sender = bot.sender_id(user)
    assert rows(bot, "SELECT question_id, first_correct, box, due_at IS NOT NULL FROM tendik_learn_answers WHERE sender_id = ?",
                sender) == [(q1.id, 0, 0, 1)]
    msgs = polls(after)
    for q in lesson.quiz[1:]:
        last = answer_poll(bot, user, msgs[-1], q.correct)
        msgs = polls(last) or msgs
    summary = last[-1]
    assert "Урок пройден" in summary.text and f"{len(lesson.quiz) - 1} из {len(lesson.quiz)}" in summary.text
    assert "завтра" in summary.text  # the missed question comes back the next day
    assert summary.button(LearnAction(action="next").pack()) and summary.button(LearnAction(action="remind", n=1).pack())
    assert rows(bot, "SELECT completed_at IS NOT NULL FROM tendik_learn_lessons WHERE sender_id = ? AND lesson_id = ?",
                sender, lesson.id) == [(1,)]
    assert rows(bot, "SELECT count(*) FROM tendik_learn_polls WHERE sender_id = ?", sender) == [(0,)]
    # "next lesson" opens lesson 2; /learn would resume there too
    _, nxt = bot.press(user, summary, LearnAction(action="next").pack())
    assert COURSE.lessons[1].title["ru"] in visible(nxt) and polls(nxt)


def test_learn_resumes_where_the_user_stopped(bot: TelegramBot) -> None:
    user = new_user_id()
    lesson = COURSE.lessons[0]
    first = polls(bot.say(user, "/learn"))[0]
    answer_poll(bot, user, first, lesson.quiz[0].correct)
    again = bot.say(user, "/learn")
    assert lesson.title["ru"] in visible(again)
    assert [bot.api.poll_of(m)["question"] for m in polls(again)] == [lesson.quiz[1].question["ru"]]  # type: ignore[attr-defined]
    assert any("вопросов — 1" in m.text for m in again)


def test_a_missed_question_comes_back_for_review(bot: TelegramBot) -> None:
    user = new_user_id()
    lesson = COURSE.lessons[0]
    msgs = polls(bot.say(user, "/learn"))
    answer_poll(bot, user, msgs[0], wrong(lesson.quiz[0]))
    assert learn.learning_for(bot.ctx).review_queue(bot.sender_id(user), time.time()) == []  # not due yet
    make_due(bot, user)  # the next day
    offer = bot.say(user, "/learn")
    assert len(offer) == 1 and "ждут повторения: 1" in offer[0].text
    _, review = bot.press(user, offer[0], LearnAction(action="review").pack())
    assert "Повторение" in visible(review)
    poll_msgs = polls(review)
    assert [bot.api.poll_of(m)["question"] for m in poll_msgs] == [lesson.quiz[0].question["ru"]]  # type: ignore[attr-defined]
    done = answer_poll(bot, user, poll_msgs[0], lesson.quiz[0].correct)
    assert "Повторение закончено" in visible(done)
    (box, due), = rows(bot, "SELECT box, due_at FROM tendik_learn_answers WHERE sender_id = ? AND question_id = ?",
                       bot.sender_id(user), lesson.quiz[0].id)
    assert box == 1 and due is not None  # right in review: back after a longer pause
    _, cont = bot.press(user, done[-1], LearnAction(action="resume").pack())
    assert lesson.title["ru"] in visible(cont) and polls(cont)


def test_reminders_opt_in_once_a_day_and_off_when_blocked(bot: TelegramBot) -> None:
    user = new_user_id()
    lesson = COURSE.lessons[0]
    msgs = polls(bot.say(user, "/learn"))
    after = answer_poll(bot, user, msgs[0], wrong(lesson.quiz[0]))
    for q in lesson.quiz[1:]:
        after = answer_poll(bot, user, polls(after)[-1], q.correct)
    summary = after[-1]
    answer, _ = bot.press(user, summary, LearnAction(action="remind", n=1).pack())
    assert "напомню" in answer.get("text", "")
    sender = bot.sender_id(user)
    assert rows(bot, "SELECT reminders, chat_id FROM tendik_learn_progress WHERE sender_id = ?", sender) == [(1, user)]
    learning = learn.learning_for(bot.ctx)
    before = len(bot.api.bot_messages(user))
    report = bot.lt.run(learn.send_review_reminders(bot.bot, learning, rate=1000, chat_interval=0))
    assert len(bot.api.bot_messages(user)) == before  # nothing due yet
    make_due(bot, user)
    now = time.time()
    report = bot.lt.run(learn.send_review_reminders(bot.bot, learning, now=now, rate=1000, chat_interval=0))
    mine = bot.api.bot_messages(user)[before:]
    assert report.sent >= 1 and len(mine) == 1 and "Пора повторить" in mine[0].text
    assert mine[0].button(LearnAction(action="review").pack())
    bot.lt.run(learn.send_review_reminders(bot.bot, learning, now=now + 3600, rate=1000, chat_interval=0))
    assert len(bot.api.bot_messages(user)) == before + 1  # at most once a day
    bot.api.block_chat(user)
    report = bot.lt.run(learn.send_review_reminders(bot.bot, learning, now=now + 2 * DAY, rate=1000, chat_interval=0))
    assert report.blocked == 1
    assert rows(bot, "SELECT reminders, chat_id FROM tendik_learn_progress WHERE sender_id = ?", sender) == [(0, None)]
    bot.api.blocked.discard(user)


def test_lesson_by_number_contents_and_kazakh(bot: TelegramBot) -> None:
    user = new_user_id()
    third = COURSE.by_number(3)
    assert third is not None
    msgs = bot.say(user, "/learn 3", language_code="kk")
    assert third.title["kk"] in visible(msgs) and "Сабақ 3/" in visible(msgs)
    assert bot.api.poll_of(polls(msgs)[0])["question"] == third.quiz[0].question["kk"]  # type: ignore[attr-defined]
    assert "1–" in visible(bot.say(user, "/learn 99", language_code="kk"))
    lesson_msg = next(m for m in msgs if third.title["kk"] in m.text)
    _, contents = bot.press(user, lesson_msg, LearnAction(action="contents").pack(), language_code="kk")
    assert len(contents[-1].buttons()) == len(COURSE)
    _, fifth = bot.press(user, contents[-1], LearnAction(action="go", n=5).pack(), language_code="kk")
    assert COURSE.lessons[4].title["kk"] in visible(fifth)


def test_foreign_and_anonymous_poll_answers_are_ignored(bot: TelegramBot) -> None:
    user = new_user_id()
    msgs = polls(bot.say(user, "/learn"))
    api: PollBotAPI = bot.api  # type: ignore[assignment]
    poll_id = api.poll_of(msgs[0])["id"]
    assert bot._after(user, api.anonymous_poll_answer(poll_id, -100123)) == []
    other = new_user_id()
    api.ensure_private_chat(other)
    assert bot._after(other, api.answer_poll(other, poll_id, [0])) == []
    assert rows(bot, "SELECT count(*) FROM tendik_learn_answers WHERE sender_id IN (?, ?)", bot.sender_id(user),
                bot.sender_id(other)) == [(0,)]
    assert bot.handled.errors == []


def test_delete_erases_learning_progress(bot: TelegramBot) -> None:
    user = new_user_id()
    msgs = polls(bot.say(user, "/learn"))
    answer_poll(bot, user, msgs[0], 0)
    sender = bot.sender_id(user)
    assert rows(bot, "SELECT count(*) FROM tendik_learn_answers WHERE sender_id = ?", sender) == [(1,)]
    prompt = bot.say(user, "/delete")[-1]
    bot.press(user, prompt, "d:yes")
    for table in LEARN_TABLES:
        assert rows(bot, f"SELECT count(*) FROM {table} WHERE sender_id = ?", sender) == [(0,)]  # noqa: S608
