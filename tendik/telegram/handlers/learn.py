"""/learn: the course of short lessons with quizzes (tendik.learning), and the daily review reminder.

* ``/learn`` resumes where the user stopped (questions due for review are offered first);
  ``/learn 3`` opens lesson 3. A lesson is its text and its one verbatim norm with the edition
  (the typed payload rendered by :func:`tendik.telegram.render.render_answer`), then the quiz as
  native quiz polls (``sendPoll`` type quiz, not anonymous, the right option and the explanation
  from the lesson file), one at a time: each ``poll_answer`` is graded and recorded, then the next
  question follows, or the lesson's result with "next lesson", "review", the reminder switch and
  the list of lessons.
* A missed question comes back in the review (due the next day, then after longer pauses while it
  is answered right: :mod:`tendik.learning.schedule`).
* The reminder (opt-in, stored with the chat id while on): :class:`ReminderLoop`, run by the bot
  process next to the card schedule, writes at most once a day to learners with questions due,
  paced like broadcasts (:class:`tendik.telegram.broadcast.Limiter`; 429 handled by the bot
  session's middleware); a user who blocked the bot is switched off.

Progress is stored under the hashed sender id (the middleware's ``sender_id``), so /delete erases it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from aiogram import Bot, F, Router
from aiogram.exceptions import ClientDecodeError, TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message, PollAnswer

from tendik.knowledge.lessons import Lesson, QuizQuestion
from tendik.learning.course import lang_of
from tendik.learning.schedule import DAY
from tendik.learning.service import AnswerResult, Learning, UnknownQuestion
from tendik.telegram.broadcast import Limiter
from tendik.telegram.context import BotContext
from tendik.telegram.html_text import escape
from tendik.telegram.learn_keyboards import (
    LearnAction,
    after_keyboard,
    contents_keyboard,
    lesson_keyboard,
    review_keyboard,
)
from tendik.telegram.render import render_answer
from tendik.texts import text

logger = logging.getLogger(__name__)

POLL_TTL = 14 * DAY  # unanswered quiz polls are forgotten after this
REMINDER_EVERY = DAY
REMINDER_CHECK = 3600.0  # how often the reminder loop looks for learners due


_learning: dict[int, tuple[object, Learning]] = {}


def learning_for(ctx: BotContext) -> Learning:
    """One :class:`Learning` per bot context (its database), built on first use."""
    found = _learning.get(id(ctx))
    if found is not None and found[0] is ctx:
        return found[1]
    learning = Learning.for_engine(ctx.engine)
    _learning[id(ctx)] = (ctx, learning)
    return learning


# ---------------------------------------------------------------- sending
async def send_question(bot: Bot, learning: Learning, chat_id: int, sender_id: str, question: QuizQuestion,
                        lang: str, mode: str) -> None:
    """One quiz poll; its id is stored to map the answer back to the learner and question."""
    msg = await bot.send_poll(
        chat_id, question=question.question[lang], options=[o[lang] for o in question.options], type="quiz",
        is_anonymous=False, correct_option_ids=[question.correct], explanation=question.explanation.text[lang],
        explanation_parse_mode=None, question_parse_mode=None,
    )
    if msg.poll is None:  # not a poll back: nothing to map
        logger.warning("sendPoll answered without a poll")
        return
    await asyncio.to_thread(learning.store.add_poll, msg.poll.id, sender_id, question.id, mode, time.time())


async def send_lesson(bot: Bot, learning: Learning, chat_id: int, sender_id: str, lesson: Lesson, lang: str | None,
                      restart: bool = False) -> None:
    """The lesson (text, norm) and the first of its questions still to answer."""
    lang = lang_of(lang)
    course = learning.course
    run = await asyncio.to_thread(learning.open_lesson, sender_id, lesson, lang, time.time(), restart)
    parts = render_answer(course.payload(lesson, lang))
    for n, html in enumerate(parts):
        last = n == len(parts) - 1
        await bot.send_message(chat_id, html, reply_markup=lesson_keyboard(course, course.topic_intent(lesson), lang) if last else None)
    if run.pending:
        await bot.send_message(chat_id, escape(text("learn.quiz_intro", lang, count=len(run.pending))))
        await send_question(bot, learning, chat_id, sender_id, run.pending[0], lang, "lesson")


async def send_contents(bot: Bot, learning: Learning, chat_id: int, sender_id: str, lang: str | None) -> None:
    ov = await asyncio.to_thread(learning.overview, sender_id, time.time())
    await bot.send_message(chat_id, escape(text("learn.contents", lang_of(lang))),
                           reply_markup=contents_keyboard(learning.course, ov.completed, lang))


async def start_review(bot: Bot, learning: Learning, chat_id: int, sender_id: str, lang: str | None) -> None:
    lang = lang_of(lang)
    queue = await asyncio.to_thread(learning.review_queue, sender_id, time.time())
    if not queue:
        ov = await asyncio.to_thread(learning.overview, sender_id, time.time())
        await bot.send_message(chat_id, escape(text("learn.review_none", lang)),
                               reply_markup=after_keyboard(lang, False, 0, ov.reminders, resume=ov.resume is not None))
        return
    await bot.send_message(chat_id, escape(text("learn.review_intro", lang, count=len(queue))))
    await send_question(bot, learning, chat_id, sender_id, queue[0][1], lang, "review")


async def resume(bot: Bot, learning: Learning, chat_id: int, sender_id: str, lang: str | None, offer_review: bool) -> None:
    """Where the learner stopped; with ``offer_review``, questions due are offered first."""
    lang = lang_of(lang)
    ov = await asyncio.to_thread(learning.overview, sender_id, time.time())
    if offer_review and ov.due:
        await bot.send_message(chat_id, escape(text("learn.due_waiting", lang, count=len(ov.due))),
                               reply_markup=review_keyboard(lang, len(ov.due)))
        return
    if ov.resume is None:
        await bot.send_message(chat_id, escape(text("learn.course_done", lang)),
                               reply_markup=after_keyboard(lang, False, len(ov.due), ov.reminders))
        return
    await send_lesson(bot, learning, chat_id, sender_id, ov.resume, lang)


async def after_answer(bot: Bot, learning: Learning, chat_id: int, sender_id: str, result: AnswerResult, lang: str) -> None:
    if result.mode == "review":
        queue = await asyncio.to_thread(learning.review_queue, sender_id, time.time())
        if queue:
            await send_question(bot, learning, chat_id, sender_id, queue[0][1], lang, "review")
            return
        ov = await asyncio.to_thread(learning.overview, sender_id, time.time())
        await bot.send_message(chat_id, escape(text("learn.review_done", lang)),
                               reply_markup=after_keyboard(lang, False, 0, ov.reminders, resume=ov.resume is not None))
        return
    if result.next_question is not None:
        await send_question(bot, learning, chat_id, sender_id, result.next_question, lang, "lesson")
        return
    if not result.lesson_done:
        return
    ov = await asyncio.to_thread(learning.overview, sender_id, time.time())
    has_next = learning.course.next_after(result.lesson) is not None
    lines = [text("learn.lesson_done", lang, correct=result.run_correct, total=result.run_total)]
    if result.run_correct < result.run_total:
        lines.append(text("learn.review_later", lang))
    if ov.resume is None:
        lines.append(text("learn.course_done", lang))
    await bot.send_message(chat_id, escape("\n\n".join(lines)),
                           reply_markup=after_keyboard(lang, has_next, len(ov.due), ov.reminders))


# ---------------------------------------------------------------- the router
def router() -> Router:
    r = Router(name="learn")
    r.message.filter(F.chat.type == "private")

    @r.message(Command("learn"))
    async def learn(message: Message, command: CommandObject, bot: Bot, ctx: BotContext, sender_id: str, lang: str | None) -> None:
        learning = learning_for(ctx)
        arg = (command.args or "").strip()
        if arg:
            lesson = learning.course.by_number(int(arg)) if arg.isdigit() else None
            if lesson is None:
                await message.answer(escape(text("learn.unknown_lesson", lang_of(lang), total=len(learning.course))))
                return
            await send_lesson(bot, learning, message.chat.id, sender_id, lesson, lang)
            return
        await resume(bot, learning, message.chat.id, sender_id, lang, offer_review=True)

    @r.callback_query(LearnAction.filter())
    async def action(callback: CallbackQuery, callback_data: LearnAction, bot: Bot, ctx: BotContext, sender_id: str,
                     lang: str | None) -> None:
        learning = learning_for(ctx)
        chat_id = callback.message.chat.id if callback.message else callback.from_user.id
        kind, n = callback_data.action, callback_data.n
        if kind == "go":
            lesson = learning.course.by_number(n)
            if lesson is None:
                await callback.answer(text("learn.unknown_lesson", lang_of(lang), total=len(learning.course))[:200])
                return
            await callback.answer()
            await send_lesson(bot, learning, chat_id, sender_id, lesson, lang)
        elif kind == "next":
            await callback.answer()
            prog = await asyncio.to_thread(learning.store.get_progress, sender_id)
            current = learning.course.lesson(prog.current_lesson if prog else None)
            following = learning.course.next_after(current) if current else learning.course.by_number(1)
            if following is None:
                await resume(bot, learning, chat_id, sender_id, lang, offer_review=False)
            else:
                await send_lesson(bot, learning, chat_id, sender_id, following, lang)
        elif kind == "resume":
            await callback.answer()
            await resume(bot, learning, chat_id, sender_id, lang, offer_review=False)
        elif kind == "review":
            await callback.answer()
            await start_review(bot, learning, chat_id, sender_id, lang)
        elif kind == "contents":
            await callback.answer()
            await send_contents(bot, learning, chat_id, sender_id, lang)
        elif kind == "remind" and n in (0, 1):
            on = n == 1
            await asyncio.to_thread(learning.set_reminders, sender_id, on, chat_id, lang_of(lang), time.time())
            await callback.answer(text("learn.reminders_on" if on else "learn.reminders_off", lang_of(lang))[:200])
            if isinstance(callback.message, Message) and callback.message.reply_markup:
                ov = await asyncio.to_thread(learning.overview, sender_id, time.time())
                has_next = any(
                    b.callback_data == LearnAction(action="next").pack() for row in callback.message.reply_markup.inline_keyboard for b in row
                )
                try:
                    await callback.message.edit_reply_markup(
                        reply_markup=after_keyboard(lang, has_next, len(ov.due), on, resume=not has_next and ov.resume is not None))
                except TelegramBadRequest:
                    pass  # not modified (a double tap)
        else:
            await callback.answer(text("telegram.outdated_button", lang_of(lang))[:200])

    @r.poll_answer()
    async def poll_answer(answer: PollAnswer, bot: Bot, ctx: BotContext, sender_id: str | None = None, lang: str | None = None) -> None:
        if sender_id is None or answer.user is None or not answer.option_ids:
            return  # a chat's anonymous answer, or a retracted vote: nothing to grade
        learning = learning_for(ctx)
        poll = await asyncio.to_thread(learning.store.take_poll, answer.poll_id)
        if poll is None or poll.sender_id != sender_id:
            logger.info("poll answer for an unknown or foreign poll ignored")
            return
        language = lang_of(lang)
        try:
            result = await asyncio.to_thread(learning.answer, sender_id, poll.question_id, answer.option_ids[0], language,
                                             time.time(), poll.mode)
        except (UnknownQuestion, ValueError):
            logger.info("poll answer for a question no longer in the course ignored")
            return
        logger.info("quiz answer recorded (%s, %s)", poll.mode, "right" if result.grade.correct else "wrong")
        await after_answer(bot, learning, answer.user.id, sender_id, result, language)

    return r


# ---------------------------------------------------------------- the daily review reminder
@dataclass
class ReminderReport:
    sent: int = 0
    blocked: int = 0
    failed: int = 0


async def send_review_reminders(bot: Bot, learning: Learning, now: float | None = None, rate: float = 25.0,
                                chat_interval: float = 1.0, every: float = REMINDER_EVERY) -> ReminderReport:
    """One reminder to each learner who opted in and has questions due (at most one per ``every``
    seconds), paced like a broadcast. A learner who blocked the bot is switched off."""
    now = time.time() if now is None else now
    report = ReminderReport()
    limiter = Limiter(rate, chat_interval)
    targets = await asyncio.to_thread(learning.store.reminder_targets, now, every)
    for target in targets:
        lang = lang_of(target.language)
        await limiter.wait(target.chat_id)
        try:
            await bot.send_message(target.chat_id, escape(text("learn.reminder", lang, count=target.due)),
                                   reply_markup=review_keyboard(lang, target.due))
        except TelegramForbiddenError:
            report.blocked += 1
            await asyncio.to_thread(learning.set_reminders, target.sender_id, False, None, None, now)
            continue
        except (TelegramAPIError, ClientDecodeError) as exc:
            report.failed += 1
            logger.warning("review reminder not sent: %s", type(exc).__name__)
            continue
        report.sent += 1
        await asyncio.to_thread(learning.store.mark_reminded, target.sender_id, now)
    if targets:
        logger.info("review reminders: %d sent, %d blocked, %d failed", report.sent, report.blocked, report.failed)
    return report


class ReminderLoop:
    """Run by the bot process (started and stopped with the card schedule): every
    :data:`REMINDER_CHECK` seconds, the due reminders; old unanswered polls forgotten."""

    def __init__(self, bot: Bot, ctx: BotContext, check_every: float = REMINDER_CHECK) -> None:
        self.bot, self.ctx, self.check_every = bot, ctx, check_every
        self.stop = asyncio.Event()

    async def run(self) -> None:
        learning = learning_for(self.ctx)
        s = self.ctx.settings
        while not self.stop.is_set():
            try:
                await send_review_reminders(self.bot, learning, rate=s.telegram_broadcast_rate, chat_interval=s.telegram_chat_interval)
                await asyncio.to_thread(learning.store.prune_polls, time.time() - POLL_TTL)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the loop must survive a bad moment (DB busy ...)
                logger.exception("review reminders: a round failed; trying again later")
            try:
                await asyncio.wait_for(self.stop.wait(), self.check_every)
            except TimeoutError:
                pass
