"""What the Telegram channel says on its own: the catalog's ``telegram.*`` texts (tendik/text_catalog.py),
in Kazakh and Russian (plain text: callers escape), and the helpers the handlers use.

Legal content is never written here: answers come from Rasa, cards from the knowledge base.
"""

from __future__ import annotations

from tendik.texts import LANGS, label_from, section, text, variants

__all__ = ["COMMANDS", "DESCRIPTION", "LANGS", "LANGUAGE_NAMES", "SHORT_DESCRIPTION", "language_from_code", "period", "short", "t"]

# Each language's own name, for the language buttons.
LANGUAGE_NAMES = variants("language.name")
# Bot commands in menu order, described in both languages (setMyCommands per language_code): the
# catalog's order, except that a command named in _MENU_AFTER follows the one it names.
_MENU_AFTER = {"check": "topics"}


def _menu_order(commands: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    moved = {c: after for c, after in _MENU_AFTER.items() if c in commands and after in commands}
    out: dict[str, dict[str, str]] = {}
    for name, described in commands.items():
        if name in moved:
            continue
        out[name] = described
        for c, after in moved.items():
            if after == name:
                out[c] = commands[c]
    return out


COMMANDS = _menu_order(section("telegram.command"))
DESCRIPTION = variants("telegram.description")
SHORT_DESCRIPTION = variants("telegram.short_description")

# How often cards come: (seconds in the unit, its name in the catalog's telegram.period.*).
_PERIOD_UNITS = ((604800, "week"), (86400, "day"), (3600, "hour"), (60, "minute"), (1, "second"))


def t(key: str, lang: str | None, **kwargs: object) -> str:
    """``telegram.<key>`` in ``lang``; both languages (Kazakh first) when the language is not known."""
    return text(f"telegram.{key}", lang, **kwargs)


def short(key: str, lang: str | None) -> str:
    """Short UI strings (buttons, callback answers): Kazakh / Russian when the language is unknown."""
    return label_from(variants(f"telegram.{key}"), lang)


def period(seconds: float, lang: str | None) -> str:
    """How often cards come, e.g. "раз в неделю" / "аптасына бір рет" (Russian when the language is unknown)."""
    if seconds <= 0:
        return text("telegram.period.sometimes", lang)
    for size, unit in _PERIOD_UNITS:
        if seconds >= size and seconds % size == 0:
            n = int(seconds // size)
            return text(f"telegram.period.{unit}.one", lang) if n == 1 else text(f"telegram.period.{unit}.many", lang, n=n)
    return text("telegram.period.second.many", lang, n=int(seconds))


def language_from_code(language_code: str | None) -> str | None:
    """A hint from the Telegram client's language (used until the user chooses)."""
    if not language_code:
        return None
    code = language_code.lower().split("-")[0]
    return code if code in LANGS else None
