"""The operators' inbox's own words (issue 14) in English, Kazakh and Russian, and the choice of the
language a page is shown in (:func:`language_of`): ``?lang=`` (remembered in a cookie), then the
account's language when accounts have one, then the cookie, else Russian.

These are the review app's labels for operators, not the bot's words for users (those are in
:mod:`tendik.text_catalog`); nothing legal is said here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tendik.text_catalog import REVIEW_INBOX

LANGS = ("ru", "kk", "en")
DEFAULT = "ru"
COOKIE = "tendik_review_lang"

TEXTS: dict[str, dict[str, str]] = REVIEW_INBOX


def text(key: str, lang: str, **kwargs: Any) -> str:
    """The string ``key`` in ``lang`` (English when that language lacks it), formatted."""
    entry = TEXTS[key]
    value = entry.get(lang) or entry["en"]
    return value.format(**kwargs) if kwargs else value


def labels(lang: str) -> dict[str, str]:
    """Every string in ``lang``, for a template (``t["col.case"]``)."""
    return {key: text(key, lang) for key in TEXTS}


def language_of(query: Mapping[str, str], cookies: Mapping[str, str], user: Any = None) -> str:
    """The language of an inbox page: ``?lang=``, the account's language (if accounts have one),
    the cookie, else Russian."""
    for candidate in (query.get("lang"), getattr(user, "language", None), cookies.get(COOKIE)):
        if candidate in LANGS:
            return str(candidate)
    return DEFAULT
