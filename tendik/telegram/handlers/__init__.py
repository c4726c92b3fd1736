"""The bot's routers, one per feature; :func:`routers` lists them in the order they must be tried."""

from __future__ import annotations

from aiogram import Router

from tendik.telegram.handlers import (
    chat,
    deletion,
    fallback,
    feedback,
    groups,
    handoff,
    info,
    learn,
    selfcheck,
    start,
    subscription,
    topics,
)


def routers() -> list[Router]:
    """New router instances (a router can belong to one dispatcher only): groups first, so nothing
    from a group reaches the assistant; the catch-alls last."""
    return [
        groups.router(),
        start.router(),
        info.router(),
        topics.router(),
        selfcheck.router(),
        subscription.router(),
        deletion.router(),
        feedback.router(),
        learn.router(),
        handoff.router(),
        chat.router(),
        fallback.router(),
    ]
