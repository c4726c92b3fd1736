"""Inline keyboards and their callback data (always at most 64 bytes)."""

from __future__ import annotations

import json

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from tendik.common.buttons import parse_show_more
from tendik.common.feedback import VOTE_REASONS
from tendik.common.rasa_client import Button
from tendik.knowledge.explanations import Explanation
from tendik.telegram.context import CALLBACK_LIMIT, Payloads
from tendik.telegram.texts import LANGS, LANGUAGE_NAMES, short
from tendik.texts import label, text

# Callback data prefixes
LANG = "l:"  # l:<kk|ru>[:<then>]  then = "start" | "sub"
TOPIC = "t:"  # t:<intent>  -> "/<intent>" to Rasa
VOTE = "v:"  # v:h:<answer_id> | v:n:<answer_id>
SKIP_COMMENT = "c:skip"
DELETE_YES, DELETE_NO = "d:yes", "d:no"
BUTTON_TITLE_MAX = 200
OPEN_LESSON = "/open_lesson"  # an answer's lesson button (tendik.compose.lesson_button)


class MoreView(CallbackData, prefix="m"):
    """A "more" button of an answer: ``m:<view>:<topic>:<page>`` (e.g. ``m:law:exp-equal-pay:`` or
    ``m:law:exp-equal-pay:2``), read back and checked (a known view, a topic of the knowledge base,
    a page in range) before anything is sent to Rasa."""

    view: str
    topic: str
    page: int | None = None


def more_callback(payload: str) -> str | None:
    """The callback data of a ``/show_more{...}`` button payload, or None (another payload, or one
    that would not fit in 64 bytes)."""
    more = parse_show_more(payload)
    if more is None:
        return None
    data = MoreView(view=more.view, topic=more.topic, page=more.page).pack()
    return data if len(data.encode("utf-8")) <= CALLBACK_LIMIT else None


def language_keyboard(then: str = "") -> InlineKeyboardMarkup:
    suffix = f":{then}" if then else ""
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=LANGUAGE_NAMES[code], callback_data=f"{LANG}{code}{suffix}") for code in LANGS]]
    )


def topics_keyboard(topics: list[Explanation], lang: str | None) -> InlineKeyboardMarkup:
    lang = lang if lang in LANGS else "ru"
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=exp.title[lang], callback_data=f"{TOPIC}{exp.intent}")] for exp in topics]
    )


class LearnAction(CallbackData, prefix="lrn"):
    """``go`` (open lesson ``n``), ``next`` (the lesson after the current one), ``resume``,
    ``review`` (the due questions), ``contents`` (the list of lessons), ``remind`` (``n`` 1: on, 0: off)."""

    action: str
    n: int = 0


def lesson_callback(payload: str) -> str | None:
    """The /learn callback data that opens the lesson of an ``/open_lesson{"lesson": id}`` button
    (in Telegram a lesson comes with its quiz polls), or None."""
    if not payload.startswith(OPEN_LESSON):
        return None
    try:
        data = json.loads(payload[len(OPEN_LESSON):])
    except ValueError:
        return None
    from tendik.learning.course import default_course

    course = default_course()
    lesson = course.lesson(data.get("lesson")) if isinstance(data, dict) and isinstance(data.get("lesson"), str) else None
    return LearnAction(action="go", n=course.number(lesson)).pack() if lesson else None


def lesson_row(intent: str, lang: str | None) -> list[list[InlineKeyboardButton]]:
    """The lesson that teaches a topic (by its intent), as one row; none when no lesson does."""
    from tendik.learning.course import default_course

    course = default_course()
    lesson = next((x for x in course.lessons if course.topic_intent(x) == intent), None)
    if lesson is None:
        return []
    data = LearnAction(action="go", n=course.number(lesson)).pack()
    return [[InlineKeyboardButton(text=text("answer.button.lesson", "kk" if lang == "kk" else "ru"), callback_data=data)]]


def rasa_rows(buttons: list[Button], payloads: Payloads) -> list[list[InlineKeyboardButton]]:
    """One row per button: a "more" button as :class:`MoreView` data, a lesson as /learn data, any
    other payload inline or by a key of the payload registry."""
    return [
        [InlineKeyboardButton(text=(b.title or b.payload)[:BUTTON_TITLE_MAX],
                              callback_data=more_callback(b.payload) or lesson_callback(b.payload) or payloads.encode(b.payload))]
        for b in buttons
        if b.payload
    ]


def vote_row(answer_id: str, lang: str | None) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(text=short("vote_helpful", lang), callback_data=f"{VOTE}h:{answer_id}"),
        InlineKeyboardButton(text=short("vote_not_helpful", lang), callback_data=f"{VOTE}n:{answer_id}"),
    ]


class VoteReason(CallbackData, prefix="vr"):
    """A reason button after a "not helpful" vote: ``vr:<answer_id>:<reason>``, read back and checked
    (a known reason, an answer id of hex digits) before anything is stored."""

    answer_id: str
    reason: str


def reason_rows(answer_id: str, lang: str | None) -> list[list[InlineKeyboardButton]]:
    """The reasons (tendik.common.feedback.VOTE_REASONS), two a row; none when the data would not
    fit in 64 bytes."""
    buttons = []
    for code in VOTE_REASONS:
        data = VoteReason(answer_id=answer_id, reason=code).pack()
        if len(data.encode("utf-8")) > CALLBACK_LIMIT:
            return []
        buttons.append(InlineKeyboardButton(text=label(f"feedback.reason.{code}", lang), callback_data=data))
    return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]


def skip_comment_keyboard(lang: str | None, answer_id: str | None = None) -> InlineKeyboardMarkup:
    """"Skip" (the comment), under the reasons of the 👎 on ``answer_id`` when given."""
    rows = reason_rows(answer_id, lang) if answer_id else []
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [InlineKeyboardButton(text=short("skip", lang), callback_data=SKIP_COMMENT)]])


def without_reasons(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The keyboard with the reason buttons taken out (after a reason was chosen); None when nothing is left."""
    if markup is None:
        return None
    prefix = VoteReason.__prefix__ + VoteReason.__separator__
    rows = [row for row in markup.inline_keyboard if not any((b.callback_data or "").startswith(prefix) for b in row)]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def delete_keyboard(lang: str | None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[
            InlineKeyboardButton(text=short("delete_yes", lang), callback_data=DELETE_YES),
            InlineKeyboardButton(text=short("delete_no", lang), callback_data=DELETE_NO),
        ]]
    )


def card_keyboard(intent: str, lang: str) -> InlineKeyboardMarkup:
    """Under an outreach card: more on its topic, and the lesson that teaches it."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=short("more_on_topic", lang), callback_data=f"{TOPIC}{intent}")],
                         *lesson_row(intent, lang)]
    )


def without_votes(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The keyboard with the vote buttons taken out (after a vote); None when nothing is left."""
    if markup is None:
        return None
    rows = [
        row for row in markup.inline_keyboard
        if not any((b.callback_data or "").startswith(VOTE) for b in row)
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
