"""The review app's interface texts in English, Kazakh and Russian (operators choose their
language per account: ``review_users.language``), and the helpers every page uses.

* :func:`ui_language` -- the language of a request: the logged-in account's, else (login page,
  errors before a session) the browser's Accept-Language among ``LANGUAGES``, else ``DEFAULT``.
* :func:`ui` -- one text by key in a language (``str.format`` fields filled in).

These are interface texts only (buttons, headings, messages); the bot's own kk/ru texts live in
:mod:`tendik.text_catalog`.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

LANGUAGES = ("kk", "ru", "en")
DEFAULT = "en"
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

TEXTS: dict[str, dict[str, str]] = {
}


def normalise(lang: str | None) -> str:
    lang = (lang or "").strip().lower()[:8]
    return lang if lang in LANGUAGES else DEFAULT


def accept_language(header: str | None) -> str:
    """The first of ``LANGUAGES`` named in an Accept-Language header (by q order), else DEFAULT."""
    best: list[tuple[float, int, str]] = []
    for n, part in enumerate((header or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > 0:
            best.append((-q, n, primary))
    return sorted(best)[0][2] if best else DEFAULT


def ui_language(request: Any) -> str:
    """The interface language of an aiohttp request: the account's (``request["user"].language``),
    else the browser's (Accept-Language), else DEFAULT."""
    user = request.get("user") if hasattr(request, "get") else None
    lang = getattr(user, "language", None)
    if lang in LANGUAGES:
        return str(lang)
    return accept_language(request.headers.get("Accept-Language") if hasattr(request, "headers") else None)


def ui(key: str, lang: str, **fields: Any) -> str:
    """The text ``key`` in ``lang`` (English if missing there; the key itself if unknown)."""
    entry = TEXTS.get(key)
    if entry is None:
        logger.warning("unknown review UI text key %s", key)
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text
