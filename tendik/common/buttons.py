"""The payloads of the answer's "more" buttons (``/show_more{"view":"law","topic":"exp-equal-pay"}``, a
page of a long view: ``..."page":2}``),
made and read in one place for every front end: Telegram packs them into short callback data and
sends them back to Rasa, the widget's history and the review app show a pressed one by its title or
view instead of the raw JSON.

Reading never fails: anything that is not exactly a known view of a well-formed topic id is None.
Standard library only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_PAYLOAD", "SHOW_MORE", "VIEWS", "More", "is_payload", "parse_show_more", "show_more_payload"]

SHOW_MORE = "/show_more"
VIEWS = ("law", "steps", "route", "full")  # tendik.compose.VIEWS (a test keeps them equal)
TOPIC = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")  # an explanation id, e.g. exp-equal-pay
MAX_PAYLOAD = 300
MAX_PAGE = 999
_PAYLOAD = re.compile(r"/[A-Za-z_][\w-]{0,80}(\{.*)?", re.S)


@dataclass(frozen=True)
class More:
    """What a "more" button asks for: one view of one topic (``page`` None: the first)."""

    view: str
    topic: str
    page: int | None = None

    @property
    def payload(self) -> str:
        return show_more_payload(self.view, self.topic, self.page)


def show_more_payload(view: str, topic: str, page: int | None = None) -> str:
    """The Rasa message a "more" button sends (as :mod:`tendik.compose` writes it)."""
    data: dict[str, object] = {"view": view, "topic": topic}
    if page:
        data["page"] = page
    return SHOW_MORE + json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def parse_show_more(value: Any) -> More | None:
    """The view, topic and page of a ``/show_more{...}`` payload, or None when ``value`` is anything
    else (another intent, broken JSON, an unknown view, a topic that is not an id, a page that is
    not a small positive number)."""
    if not isinstance(value, str) or len(value) > MAX_PAYLOAD or not value.startswith(SHOW_MORE + "{"):
        return None
    try:
        data = json.loads(value[len(SHOW_MORE):])
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    view, topic, page = data.get("view"), data.get("topic"), data.get("page")
    if view not in VIEWS or not isinstance(topic, str) or not TOPIC.fullmatch(topic):
        return None
    if page is not None and (not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= MAX_PAGE):
        return None
    return More(view, topic, page)


def is_payload(value: Any) -> bool:
    """Whether a user message is a button payload (``/intent`` or ``/intent{...}``), not typed text."""
    return isinstance(value, str) and len(value) <= MAX_PAYLOAD and bool(_PAYLOAD.fullmatch(value.strip()))
