"""What the web service says on its own (errors, confirmations), in Kazakh and Russian: the catalog's
``web.*`` texts, and the assistant's shared ``system.*`` ones (``unavailable``, ``empty``, ``malformed``
...) under their short names (tendik/text_catalog.py).
"""

from __future__ import annotations

from tendik.texts import LANGS, has
from tendik.texts import text as catalog_text


def text(key: str, lang: str | None, **kwargs: object) -> str:
    """The message ``key`` (``web.<key>``, else ``system.<key>``) in ``lang``; both languages (Kazakh
    first) when it is unknown."""
    return catalog_text(f"web.{key}" if has(f"web.{key}") else f"system.{key}", lang, **kwargs)


def language_from_header(accept_language: str | None) -> str | None:
    """kk or ru from an ``Accept-Language`` header (the first of the two it names), else None."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()
        primary = code.split("-")[0]
        if primary in LANGS:
            return primary
    return None
