"""The review app's interface texts in English, Kazakh and Russian (operators choose their
language per account: ``review_users.language``), and the helpers every page uses.

* :func:`ui_language` -- the language of a request: the logged-in account's, else (login page,
  errors before a session) the browser's Accept-Language among ``LANGUAGES``, else ``DEFAULT``.
* :func:`ui` -- one text by key in a language (``str.format`` fields filled in).

These are interface texts only (buttons, headings, messages); the bot's own kk/ru texts live in
:mod:`tendik.text_catalog`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from tendik.text_catalog import REVIEW_LANGUAGE_NAMES as LANGUAGE_NAMES  # noqa: F401  (re-exported)
from tendik.text_catalog import REVIEW_UI as _TEXTS

logger = logging.getLogger(__name__)

LANGUAGES = ("kk", "ru", "en")
DEFAULT = "en"


TEXTS: dict[str, dict[str, str]] = {key: dict(zip(("en", "kk", "ru"), triple, strict=True)) for key, triple in _TEXTS.items()}


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


# ------------------------------------------------------------------ dates, topics, Jinja
ZONE_NAME = "Asia/Almaty"


@functools.cache
def _zone() -> ZoneInfo:
    return ZoneInfo(ZONE_NAME)


def local_ts(ts: float | None, lang: str, zone: bool = True) -> str:
    """A timestamp in Almaty time with the zone named: "2025-03-04 17:05 (Алматы)"."""
    if not ts:
        return ""
    text = datetime.fromtimestamp(ts, _zone()).strftime("%Y-%m-%d %H:%M")
    return f"{text} ({ui('tz', lang)})" if zone else text


@functools.cache
def _explanation_titles() -> dict[str, dict[str, str]]:
    from tendik.knowledge.explanations import load_knowledge

    return {exp.intent: dict(exp.title) for exp in load_knowledge().explanations.values() if exp.intent}


def topic_name(intent: str | None, lang: str) -> str:
    """An intent as operators know it: the topic's name in ``lang`` (the catalog's button label or the
    explanation's title; the review catalog's ``intent.*`` for small talk and the like). English has
    no topic names: the Russian name with the intent id. An unknown intent stays as it is."""
    if not intent:
        return ""
    from tendik.topics import button_titles

    name: str | None = None
    if f"intent.{intent}" in TEXTS:
        name = ui(f"intent.{intent}", lang)
        return name if lang != "en" else intent
    try:
        names = button_titles(intent, _explanation_titles())
    except KeyError:
        return intent
    if lang == "en":
        return f"{names.get('ru') or intent} ({intent})"
    return names.get(lang) or intent


def knowledge_title(kid: str, lang: str) -> str:
    """A knowledge id's title in ``lang`` (explanations: their title; norms: their citation)."""
    return _knowledge_titles(lang if lang in ("kk", "ru") else "ru").get(kid, kid)


@functools.cache
def _knowledge_titles(lang: str) -> dict[str, str]:
    from tendik.knowledge.explanations import load_knowledge

    kb = load_knowledge()
    out = {kid: exp.title.get(lang) or kid for kid, exp in kb.explanations.items()}
    for kid, norm in kb.norms.items():
        try:
            out[kid] = norm.citation(lang, None)
        except Exception:  # noqa: BLE001 - a title is a nicety
            out[kid] = kid
    return out


def _ctx_lang(ctx: Any) -> str:
    lang = ctx.get("ui_lang")
    if lang in LANGUAGES:
        return str(lang)
    return normalise(getattr(ctx.get("user"), "language", None))


def install(env: jinja2.Environment) -> jinja2.Environment:
    """Give a Jinja environment the interface texts. Templates use ``T("key", field=...)`` (escaped;
    a field made by ``code()`` stays markup), ``value|ts`` (Almaty time, zone named), ``intent|topic``,
    ``code|lang_name``, ``channel|channel_name``; the language is the context's ``ui_lang``, else
    the ``user``'s."""

    @jinja2.pass_context
    def t(ctx: Any, key: str, **fields: Any) -> Markup:
        lang = _ctx_lang(ctx)
        entry = TEXTS.get(key)
        if entry is None:
            logger.warning("unknown review UI text key %s", key)
            return Markup.escape(key)
        return Markup.escape(entry.get(lang) or entry["en"]).format(**fields) if fields else Markup.escape(entry.get(lang) or entry["en"])

    @jinja2.pass_context
    def ts(ctx: Any, value: float | None) -> str:
        return local_ts(value, _ctx_lang(ctx))

    @jinja2.pass_context
    def topic(ctx: Any, intent: str | None) -> str:
        return topic_name(intent, _ctx_lang(ctx))

    @jinja2.pass_context
    def lang_name(ctx: Any, code: str | None) -> str:
        return ui(f"lang.{code}", _ctx_lang(ctx)) if f"lang.{code}" in TEXTS else ui("lang.unknown", "en") if not code else str(code)

    @jinja2.pass_context
    def channel_name(ctx: Any, channel: str | None) -> str:
        return ui(f"channel.{channel}", _ctx_lang(ctx)) if f"channel.{channel}" in TEXTS else str(channel or "?")

    @jinja2.pass_context
    def known(ctx: Any, kid: str) -> str:
        return knowledge_title(kid, _ctx_lang(ctx))

    def code(value: Any) -> Markup:
        return Markup("<code>{}</code>").format(value)

    def relabel(name: Callable[[Any, Any], str]) -> Callable[..., list[dict[str, Any]]]:
        @jinja2.pass_context
        def series(ctx: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{**x, "label": str(name(ctx, x["label"]))} for x in items]

        return series

    @jinja2.pass_context
    def reason_series(ctx: Any, reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
        lang = _ctx_lang(ctx)
        return [{"label": ui(f"reason.{r['reason'] or 'none'}", lang), "value": r["count"]} for r in reasons]

    env.globals.update(T=t, code=code, LANGUAGES=LANGUAGES, lang_series=relabel(lang_name), channel_series=relabel(channel_name),
                       topic_series=relabel(topic), reason_series=reason_series)
    env.filters.update(ts=ts, topic=topic, lang_name=lang_name, channel_name=channel_name, knowledge_title=known)
    return env
