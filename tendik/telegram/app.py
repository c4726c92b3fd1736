"""Factories and runners: the Dispatcher (routers, middlewares, dependencies; the Bot itself comes
from :mod:`tendik.telegram.bot`), startup (commands per language, the card schedule, the review
reminders, the delivery of the operators' replies after a handoff) and the two modes, long polling
and webhook, which share every handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
import traceback
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.exceptions import ClientDecodeError, TelegramAPIError, TelegramUnauthorizedError
from aiogram.types import BotCommand, BotCommandScopeDefault, ErrorEvent, Message, ReplyParameters
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from tendik.common.http import client_tag, request_guard, server_options
from tendik.handoff.hours import Hours
from tendik.telegram.bot import create_bot
from tendik.telegram.config import TelegramSettings
from tendik.telegram.context import BotContext, create_context
from tendik.telegram.handlers import routers
from tendik.telegram.handlers.learn import ReminderLoop
from tendik.telegram.handoff import DeliveryLoop
from tendik.telegram.html_text import escape
from tendik.telegram.middlewares import PlaceInLine, UserMiddleware
from tendik.telegram.scheduler import CardScheduler
from tendik.telegram.texts import COMMANDS, DESCRIPTION, LANGS, SHORT_DESCRIPTION
from tendik.texts import system_message

__all__ = [
    "BOT_API_ERRORS", "TokenRefused", "build_webhook_app", "create_bot", "create_dispatcher", "describe", "retry_bot_api",
    "run_polling", "run_webhook", "start_polling",
]

logger = logging.getLogger(__name__)
SHUTDOWN_GRACE = 20.0
T = TypeVar("T")
# What a Bot API call raises when the answer is not usable: an error answer or no connection
# (TelegramAPIError, TelegramNetworkError), or something that is not Bot API JSON at all, such as
# a proxy's HTML error page (ClientDecodeError, which is not a TelegramAPIError).
BOT_API_ERRORS = (TelegramAPIError, ClientDecodeError)


def create_dispatcher(ctx: BotContext, observers: Sequence[BaseMiddleware] = ()) -> Dispatcher:
    """The dispatcher with every router. ``observers``: outermost update middlewares (metrics,
    the test harness's "update handled" signal), run before anything else."""
    dp = Dispatcher(ctx=ctx)
    for observer in observers:
        dp.update.outer_middleware(observer)
    users = UserMiddleware(ctx)
    dp["users"] = users
    dp.update.outer_middleware(users)
    dp.include_routers(*routers())
    dp.errors.register(on_error)
    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return dp


async def on_error(event: ErrorEvent, bot: Bot, lang: str | None = None, failed_turn: PlaceInLine | None = None) -> bool:
    """Log the failure (type and code location only: no user text, no ids) and tell the user;
    only then may the user's next update go (``failed_turn``: its place in line, from
    :class:`UserMiddleware`), so "send it again" comes before anything about the next message."""
    try:
        await _tell_failure(event, bot, lang)
    finally:
        if failed_turn is not None:
            failed_turn.leave()
    return True


async def _tell_failure(event: ErrorEvent, bot: Bot, lang: str | None) -> None:
    exc = event.exception
    frames = "".join(traceback.format_tb(exc.__traceback__)[-3:])
    logger.error("update %s failed: %s\n%s", event.update.update_id, type(exc).__name__, frames)
    chat = None
    failed: ReplyParameters | None = None
    inner = event.update.event
    if isinstance(inner, Message):
        chat = inner.chat
        # "send it again" is about this message: the reply shows which one (if it still exists)
        failed = ReplyParameters(message_id=inner.message_id, allow_sending_without_reply=True)
    elif getattr(inner, "chat", None) is not None:
        chat = inner.chat  # type: ignore[union-attr]
    elif getattr(inner, "message", None) is not None:
        chat = inner.message.chat  # type: ignore[union-attr]
    if chat is not None and chat.type == "private":
        with contextlib.suppress(Exception):
            await bot.send_message(chat.id, escape(system_message("unavailable", lang)), reply_parameters=failed)


async def set_commands(bot: Bot) -> None:
    """Commands and descriptions in Kazakh and Russian (by the user's Telegram language) and a
    bilingual default; only what changed is sent (Telegram rate-limits these calls)."""
    for lang in (*LANGS, ""):
        if lang:
            commands = [BotCommand(command=c, description=d[lang]) for c, d in COMMANDS.items()]
            description, short_description = DESCRIPTION[lang], SHORT_DESCRIPTION[lang]
        else:
            commands = [BotCommand(command=c, description=f"{d['kk']} / {d['ru']}"[:256]) for c, d in COMMANDS.items()]
            description = f"{DESCRIPTION['kk']}\n\n{DESCRIPTION['ru']}"[:512]
            short_description = SHORT_DESCRIPTION["ru"]
        code = lang or None

        async def update(commands=commands, description=description, short_description=short_description, code=code) -> None:  # noqa: ANN001
            current = await bot.get_my_commands(scope=BotCommandScopeDefault(), language_code=code)
            if [(c.command, c.description) for c in current] != [(c.command, c.description) for c in commands]:
                await bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=code)
            if (await bot.get_my_description(language_code=code)).description != description:
                await bot.set_my_description(description=description, language_code=code)
            if (await bot.get_my_short_description(language_code=code)).short_description != short_description:
                await bot.set_my_short_description(short_description=short_description, language_code=code)

        try:
            await retry_bot_api(update, f"setting the commands ({lang or 'default'})", attempts=3)
        except BOT_API_ERRORS as exc:  # cosmetic: the bot works without them
            logger.warning("could not set the bot commands/description (%s): %s", lang or "default", type(exc).__name__)


async def on_startup(bot: Bot, dispatcher: Dispatcher, ctx: BotContext) -> None:
    me = await bot.me()
    logger.info("bot @%s starting (%s mode)", me.username, ctx.mode)
    await set_commands(bot)
    if not await ctx.rasa.is_up():
        logger.warning("the assistant (Rasa at %s) is not reachable yet; users get 'temporarily unavailable' until it is", ctx.settings.rasa_url)
    scheduler = CardScheduler(bot, ctx)
    dispatcher["scheduler"] = scheduler
    dispatcher["scheduler_task"] = asyncio.create_task(scheduler.run(), name="card-schedule")
    reminders = ReminderLoop(bot, ctx)  # the course's opt-in daily review reminders (tendik.telegram.handlers.learn)
    dispatcher["learn_reminders"] = reminders
    dispatcher["learn_reminders_task"] = asyncio.create_task(reminders.run(), name="learn-reminders")
    Hours.from_env()  # a misconfigured TENDIK_HANDOFF_HOURS stops the start (HoursError says what is wrong)
    if not ctx.rasa_token:
        logger.warning("no Rasa API token (TENDIK_RASA_TOKEN or <data dir>/rasa_api_token): the bot cannot resume "
                       "conversations after a handoff to a person")
    delivery = DeliveryLoop(bot, ctx)  # the operators' replies to the users (tendik.telegram.handoff)
    dispatcher["handoff_delivery"] = delivery
    dispatcher["handoff_delivery_task"] = asyncio.create_task(delivery.run(), name="handoff-delivery")


async def on_shutdown(dispatcher: Dispatcher, ctx: BotContext) -> None:
    for name in ("learn_reminders", "handoff_delivery"):
        loop: ReminderLoop | DeliveryLoop | None = dispatcher.workflow_data.get(name)
        loop_task: asyncio.Task | None = dispatcher.workflow_data.get(f"{name}_task")
        if loop:
            loop.stop.set()
        if loop_task:
            try:
                await asyncio.wait_for(loop_task, SHUTDOWN_GRACE)
            except (TimeoutError, asyncio.CancelledError):
                loop_task.cancel()
    scheduler: CardScheduler | None = dispatcher.workflow_data.get("scheduler")
    task: asyncio.Task | None = dispatcher.workflow_data.get("scheduler_task")
    if scheduler:
        scheduler.stop.set()
    if task:
        try:
            await asyncio.wait_for(task, SHUTDOWN_GRACE)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
        except Exception:  # noqa: BLE001
            logger.exception("card schedule ended with an error")
    users: UserMiddleware = dispatcher["users"]
    if not await users.wait_idle(SHUTDOWN_GRACE):
        logger.warning("stopping with %d updates still being answered", users.in_flight)
    await users.flood.close()
    await ctx.rasa.close()
    logger.info("bot stopped")


class TokenRefused(Exception):
    """Telegram refused the token (401)."""


async def retry_bot_api(call: Callable[[], Awaitable[T]], what: str, max_delay: float = 60.0, attempts: int | None = None) -> T:
    """``await call()``, retried with a growing pause while the Bot API cannot be reached or
    answers with an error or with something that is not Bot API JSON (an HTML page from a proxy);
    after ``attempts`` tries (None: for ever) the last error is raised. A refused token stops."""
    delay, tries = 1.0, 0
    while True:
        try:
            return await call()
        except TelegramUnauthorizedError as exc:
            raise TokenRefused() from exc
        except BOT_API_ERRORS as exc:
            tries += 1
            if attempts is not None and tries >= attempts:
                raise
            logger.warning("%s: the Bot API cannot be reached or gave no usable answer (%s); retrying in %.0f s",
                           what, type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(max_delay, delay * 2)


async def wait_for_telegram(bot: Bot, max_delay: float = 60.0) -> None:
    """Check the token and that the Bot API answers; while Telegram cannot be reached (or a proxy
    answers for it), retry with a growing pause (the bot starts by itself once the network is
    back). A refused token stops."""
    me = await retry_bot_api(bot.me, "start-up", max_delay)
    logger.info("connected to the Bot API as @%s", me.username)


# ---------------------------------------------------------------- polling
async def run_polling(settings: TelegramSettings, handle_signals: bool = True) -> None:
    ctx = create_context(settings)
    ctx.mode = "polling"
    bot = create_bot(settings)
    dp = create_dispatcher(ctx)
    try:
        await wait_for_telegram(bot)
        await start_polling(bot, dp, settings, handle_signals=handle_signals)
    finally:
        await bot.session.close()


async def start_polling(bot: Bot, dp: Dispatcher, settings: TelegramSettings, handle_signals: bool = True) -> None:
    info = await retry_bot_api(bot.get_webhook_info, "checking for a webhook")
    if info.url:
        logger.info("a webhook was set: removing it for long polling (pending updates are kept)")
        await retry_bot_api(lambda: bot.delete_webhook(drop_pending_updates=False), "removing the webhook")
    await dp.start_polling(
        bot,
        polling_timeout=settings.telegram_polling_timeout,
        handle_signals=handle_signals,
        allowed_updates=dp.resolve_used_update_types(),
    )


# ---------------------------------------------------------------- webhook
def webhook_secret(settings: TelegramSettings) -> str:
    configured = settings.telegram_webhook_secret.get_secret_value().strip()
    return configured or secrets.token_urlsafe(32)


def build_webhook_app(bot: Bot, dp: Dispatcher, settings: TelegramSettings, secret: str) -> web.Application:
    """The aiohttp app: POST <path> (Telegram's updates, secret token header checked: 401
    otherwise), GET /healthz."""
    guard = request_guard(settings.http_request_timeout, lambda r: f"client {client_tag(r.remote or 'unknown')}")
    app = web.Application(middlewares=[guard], client_max_size=1024 * 1024)
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(app, path=settings.telegram_webhook_path)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app.router.add_get("/healthz", health)
    setup_application(app, dp, bot=bot)
    return app


async def register_webhook(bot: Bot, dp: Dispatcher, settings: TelegramSettings, secret: str) -> None:
    """Tell Telegram where to post updates (once the server listens), with the secret token."""
    url = settings.telegram_webhook_url.rstrip("/") + settings.telegram_webhook_path
    await retry_bot_api(lambda: bot.set_webhook(url, secret_token=secret, allowed_updates=dp.resolve_used_update_types(),
                                                drop_pending_updates=False), "registering the webhook")
    logger.info("webhook registered with Telegram")


async def run_webhook(settings: TelegramSettings, stop: asyncio.Event | None = None) -> None:
    ctx = create_context(settings)
    ctx.mode = "webhook"
    bot = create_bot(settings)
    dp = create_dispatcher(ctx)
    try:
        await wait_for_telegram(bot)
    except BaseException:
        await bot.session.close()
        raise
    secret = webhook_secret(settings)
    app = build_webhook_app(bot, dp, settings, secret)
    runner = web.AppRunner(app, access_log=None, **server_options(settings.http_request_timeout))
    await runner.setup()
    site = web.TCPSite(runner, settings.telegram_webhook_host, settings.telegram_webhook_port)
    await site.start()
    await register_webhook(bot, dp, settings, secret)
    logger.info("webhook server listening on %s:%s%s", settings.telegram_webhook_host, settings.telegram_webhook_port,
                settings.telegram_webhook_path)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def describe(settings: TelegramSettings) -> dict[str, Any]:
    """Non-secret settings, for the start-up log line."""
    return {
        "api": settings.telegram_api_url, "rasa": settings.rasa_url, "card_every_s": settings.telegram_card_every,
        "user_rate": f"{settings.telegram_user_rate}/{settings.telegram_user_window:.0f}s",
    }
