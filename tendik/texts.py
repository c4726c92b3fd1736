"""Every kk/ru text a user reads outside the knowledge base, looked up by a dotted key.

The texts themselves are in ``tendik.text_catalog`` (one table, one entry per key with ``kk`` and ``ru``):
``answer.*`` (tendik.answers), ``system.*`` (messages every channel sends on its own: the Rasa REST
channel, Telegram, the web widget), ``telegram.*``, ``web.*``, ``rasa.*`` (the Rasa responses, written
into nlu_data/domain/responses.yml by ``python -m tendik.build.responses``), ``topic.*`` (topic button
labels, see tendik.topics) and ``language.name``.

Standard library only and Python 3.10-compatible: Rasa's REST channel imports it.

When the language is not known (``None`` or anything but kk/ru):

* ``text()`` gives both languages, Kazakh first, separated by an empty line (a channel's own
  messages, the Rasa responses' bilingual variation), except for the parts of a one-language text
  (``answer.*``, ``telegram.period.*``), which are Russian, like the answers they go in;
* ``label()`` (buttons, callback answers) gives "Kazakh / Russian" (one text when both are the same).
"""

from __future__ import annotations

from collections.abc import Mapping

from tendik.text_catalog import CATALOG

LANGS = ("kk", "ru")
DEFAULT_LANG = "ru"
# Parts of a text that is in one language (an answer, a sentence): Russian when the language is unknown.
ONE_LANGUAGE = ("answer.", "telegram.period.")


def _variants(key: str) -> dict[str, str]:
    try:
        return CATALOG[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in tendik/text_catalog.py") from None


def has(key: str) -> bool:
    return key in CATALOG


def text(key: str, lang: str | None, /, **kwargs: object) -> str:
    """The text ``key`` in ``lang`` with ``{placeholders}`` filled from ``kwargs``; when ``lang`` is not
    kk or ru, both languages (Kazakh first, an empty line between), or Russian for ``ONE_LANGUAGE``."""
    pair = _variants(key)
    if lang in LANGS:
        return pair[lang].format(**kwargs)
    if key.startswith(ONE_LANGUAGE):
        return pair[DEFAULT_LANG].format(**kwargs)
    return "\n\n".join(pair[code].format(**kwargs) for code in LANGS)


def label(key: str, lang: str | None, /, **kwargs: object) -> str:
    """A short text (a button, a callback answer) in ``lang``; "Kazakh / Russian" when ``lang`` is not
    kk or ru (one text when both languages write it the same)."""
    return label_from({code: value.format(**kwargs) for code, value in _variants(key).items()}, lang)


def label_from(variants: Mapping[str, str], lang: str | None) -> str:
    """``label()`` of texts that are not in the catalog (e.g. an explanation's title on a button)."""
    if lang in LANGS:
        return variants[lang]
    kk, ru = (variants[code] for code in LANGS)
    return kk if kk == ru else f"{kk} / {ru}"


def variants(key: str) -> dict[str, str]:
    """``{"kk": ..., "ru": ...}`` of one key (a copy), for callers that need both languages at once."""
    return dict(_variants(key))


def section(prefix: str) -> dict[str, dict[str, str]]:
    """Every key under ``prefix`` (without it), in catalog order: ``section("telegram.command")`` is
    ``{"start": {"kk": ..., "ru": ...}, ...}``."""
    head = prefix.rstrip(".") + "."
    return {key[len(head):]: dict(value) for key, value in CATALOG.items() if key.startswith(head)}


def system_message(key: str, lang: str | None, /, **kwargs: object) -> str:
    """A message a channel sends on its own (``system.<key>``: unavailable, empty, too_long, malformed)."""
    return text(f"system.{key}", lang, **kwargs)
