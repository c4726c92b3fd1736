"""Callback data and inline keyboards of the course (/learn): ``lrn:<action>:<n>`` (at most 64 bytes),
read back and checked by :mod:`tendik.telegram.handlers.learn`."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from tendik.learning.course import Course, lang_of
from tendik.telegram.keyboards import TOPIC, LearnAction
from tendik.texts import text

ACTIONS = ("go", "next", "resume", "review", "contents", "remind")
TITLE_MAX = 60


def _button(label: str, action: str, n: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label, callback_data=LearnAction(action=action, n=n).pack())


def lesson_keyboard(course: Course, intent: str | None, lang: str | None) -> InlineKeyboardMarkup:
    """Under a lesson: more on its topic (the assistant's answer) and the list of lessons."""
    lang = lang_of(lang)
    rows = []
    if intent:
        rows.append([InlineKeyboardButton(text=text("answer.more_on_topic", lang), callback_data=f"{TOPIC}{intent}")])
    rows.append([_button(text("learn.button.contents", lang), "contents")])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def after_keyboard(lang: str | None, has_next: bool, due: int, reminders: bool, resume: bool = False) -> InlineKeyboardMarkup:
    """After a lesson or a review: the next lesson (or continue the course), the review with its
    count, the reminder switch and the list of lessons."""
    lang = lang_of(lang)
    rows = []
    if has_next:
        rows.append([_button(text("learn.button.next", lang), "next")])
    if resume:
        rows.append([_button(text("learn.button.continue", lang), "resume")])
    if due:
        rows.append([_button(text("learn.button.review", lang, count=due), "review")])
    rows.append([_button(text("learn.button.remind_off" if reminders else "learn.button.remind_on", lang), "remind", 0 if reminders else 1)])
    rows.append([_button(text("learn.button.contents", lang), "contents")])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def contents_keyboard(course: Course, completed: set[str], lang: str | None) -> InlineKeyboardMarkup:
    lang = lang_of(lang)
    rows = []
    for n, lesson in enumerate(course.lessons, 1):
        title = lesson.title[lang]
        if len(title) > TITLE_MAX:
            title = title[: TITLE_MAX - 1].rstrip() + "…"
        mark = "✓ " if lesson.id in completed else ""
        rows.append([_button(f"{mark}{n}. {title}", "go", n)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def review_keyboard(lang: str | None, due: int) -> InlineKeyboardMarkup:
    """Under a reminder, or when /learn finds questions due: review now, or continue the course."""
    lang = lang_of(lang)
    return InlineKeyboardMarkup(inline_keyboard=[
        [_button(text("learn.button.review", lang, count=due), "review")],
        [_button(text("learn.button.continue", lang), "resume")],
    ])
