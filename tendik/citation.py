"""The citation of one norm paragraph: the one record every part of the project passes around.

:mod:`tendik.answers` makes them (from the knowledge base) and puts them, as dicts, into the
``tendik_answer`` payload Rasa stores with the bot message; the front ends and the review app read
them back from Rasa's replies or from the tracker store with :meth:`Citation.from_dict`, which
never fails: missing or garbage fields become empty values, and a source URL that is not an
absolute http(s) URL is dropped (:func:`safe_url`), so nothing read back can put a
``javascript:`` link in front of a user. Standard library only (Rasa's Python 3.10 can import it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["MAX_URL", "Citation", "citations_from", "safe_url"]

MAX_URL = 2048


def safe_url(url: Any) -> str:
    """``url`` if it is an absolute http(s) URL with a host, else ''."""
    if not isinstance(url, str) or len(url) > MAX_URL or any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return url


def _text(value: Any) -> str:
    return str(value or "")


@dataclass
class Citation:
    """One cited paragraph (``paragraph`` None: the whole article) in one language."""

    norm_id: str
    citation: str  # "статья 6 Трудового кодекса РК" / "Еңбек кодексінің 6-бабы"
    paragraph: str | None
    edition: str  # the edition as written in the answer ("в редакции от 01.01.2025")
    edition_date: str  # DD.MM.YYYY or ''
    text: str  # the paragraph verbatim
    text_lang: str  # the language of ``text`` (kk, ru, or en where no translation is stored)
    source_url: str
    stale: bool  # the stored edition is old: the answer warns

    def to_dict(self) -> dict[str, Any]:
        """The payload form (JSON types only), as stored with the bot message."""
        return asdict(self)

    as_dict = to_dict  # the name the answers and their tests have always used

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Citation:
        """A citation read back from a payload: every field converted, missing ones empty, the
        source URL kept only if it is a safe http(s) link."""
        paragraph = data.get("paragraph")
        return cls(
            norm_id=_text(data.get("norm_id")),
            citation=_text(data.get("citation")),
            paragraph=None if paragraph is None or paragraph == "" else str(paragraph),
            edition=_text(data.get("edition")),
            edition_date=_text(data.get("edition_date")),
            text=_text(data.get("text")),
            text_lang=_text(data.get("text_lang")),
            source_url=safe_url(data.get("source_url")),
            stale=bool(data.get("stale")),
        )


def citations_from(value: Any) -> list[Citation]:
    """The citations of a payload's ``citations`` list; anything that is not a dict is skipped."""
    if not isinstance(value, list):
        return []
    return [Citation.from_dict(c) for c in value if isinstance(c, Mapping)]
