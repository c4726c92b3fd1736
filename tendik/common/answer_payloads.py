"""Reading the typed answer payload back in the front ends (Telegram, the widget and its history,
the review app): :func:`read_answer` never raises on what comes back from Rasa's reply or its
tracker store, and :func:`base_answer_id` names an answer sent in several parts once (for votes).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from tendik.payload import AnswerPayload

__all__ = ["base_answer_id", "read_answer"]

logger = logging.getLogger(__name__)
_PART_ID = re.compile(r"([0-9a-f]{8,64})-\d{1,3}")


def read_answer(custom: Any) -> AnswerPayload | None:
    """The typed payload of a bot message's ``custom`` data, or None: not a tendik answer, an old
    one without sections (shown by its text), or garbage that cannot be read."""
    if not isinstance(custom, Mapping):
        return None
    try:
        payload = AnswerPayload.from_dict(custom)
    except (TypeError, ValueError, AttributeError, OverflowError, RecursionError):
        logger.warning("an answer payload could not be read; its text is shown instead")
        return None
    if payload is None or not any(s.text.strip() or any(i.strip() for i in s.items) or s.citations for s in payload.sections):
        return None
    return payload


def base_answer_id(answer_id: Any) -> str | None:
    """The id votes are recorded under: an answer sent in several parts (``<id>``, ``<id>-2``, ...,
    :meth:`tendik.payload.AnswerPayload.parts`) is one answer, voted on once under its last part."""
    if not isinstance(answer_id, str) or not answer_id:
        return None
    part = _PART_ID.fullmatch(answer_id)
    return part.group(1) if part else answer_id
