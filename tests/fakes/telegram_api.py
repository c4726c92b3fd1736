"""A local HTTP server speaking the subset of the Telegram Bot API the bot uses (developer tool).

Telegram's servers cannot be reached from tests and benchmarks, so the bot is pointed at this
server (``TENDIK_TELEGRAM_API_URL``, aiogram's custom API server) and real conversations go over
real HTTP. The server is strict where Telegram is strict, so it catches real mistakes:

- ``parse_mode=HTML`` text is parsed like Telegram does (only Telegram's tags, balanced, every
  ``<``, ``>``, ``&`` escaped; only &lt; &gt; &amp; &quot; and numeric entities); a message over
  4,096 characters (after parsing) or empty is refused with 400;
- ``callback_data`` must be 1-64 bytes; a callback query can be answered only once;
- ``sendDocument`` takes a multipart upload (``attach://`` or the file itself) with a file name, a
  non-empty file of at most 50 MB and a caption of at most 1,024 characters (after parsing);
  ``sendChatAction`` only Telegram's actions;
- ``getUpdates`` long-polls, honours ``offset`` and ``allowed_updates``, and is refused (409) while a
  webhook is set; with a webhook set, new updates are POSTed to it with the
  ``X-Telegram-Bot-Api-Secret-Token`` header, like Telegram does;
- a wrong token gets 401.

Tests drive it from Python (``inject_*``, ``wait_for_messages``, ``fail_next`` for 429 with
``retry_after``, ``error_next`` for other errors, ``html_next`` for an HTML page instead of JSON,
``block_chat`` for 403 "bot was blocked by the user"). Run it by hand with
``python -m tests.fakes.telegram_api --port 8081`` and talk to the bot from the terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import mimetypes
import re
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from tendik.telegram.html_text import TelegramHTMLError, parse_html, utf16_len

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_TOKEN = "123456789:LOCAL-test-token_for-the-local-bot-api"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_UPLOAD = 50 * 1024 * 1024
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
    "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}
# Parameters that Telegram (and aiogram) send JSON-encoded inside form fields.
JSON_FIELDS = {
    "reply_markup", "commands", "scope", "allowed_updates", "link_preview_options", "reply_parameters",
    "entities", "caption_entities",
}
UPDATE_TYPES = (
    "message", "edited_message", "channel_post", "edited_channel_post", "callback_query", "my_chat_member",
    "chat_member", "inline_query", "chosen_inline_result", "message_reaction",
)
class APIError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


class HTMLPage(APIError):
    """Not a Bot API answer at all: an HTML error page, as a proxy in front of Telegram sends."""

    PAGE = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"


def parse_telegram_html(text: str) -> str:
    """The visible text of ``text`` parsed as Telegram HTML; :class:`APIError` 400 where Telegram
    would refuse it ("can't parse entities")."""
    try:
        return parse_html(text)
    except TelegramHTMLError as exc:
        raise APIError(400, f"Bad Request: can't parse entities: {exc}") from exc


def check_reply_markup(markup: Any) -> None:
    if not markup:
        return
    if not isinstance(markup, dict):
        raise APIError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            if not str(button.get("text") or "").strip():
                raise APIError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not (1 <= len(str(data).encode("utf-8")) <= 64):
                raise APIError(400, "Bad Request: BUTTON_DATA_INVALID")
            if data is None and not button.get("url"):
                raise APIError(400, "Bad Request: can't find field \"callback_data\" or \"url\"")


class Upload(bytes):
    """A file part of a multipart request: its bytes, with the file name and content type sent."""

    filename: str | None
    content_type: str | None

    def __new__(cls, data: bytes, filename: str | None = None, content_type: str | None = None) -> Upload:
        obj = super().__new__(cls, data)
        obj.filename, obj.content_type = filename, content_type
        return obj


@dataclass
class SentDocument:
    """A document the bot sent (sendDocument)."""

    file_name: str
    mime_type: str
    data: bytes


@dataclass
class ChatMessage:
    """One message in a chat's log, from the bot or from the user."""

    message_id: int
    chat_id: int
    from_bot: bool
    text: str  # visible text
    html: str | None = None  # the raw text as sent with parse_mode=HTML
    reply_markup: dict | None = None
    date: int = field(default_factory=lambda: int(time.time()))
    sent_at: float = field(default_factory=time.monotonic)
    edits: int = 0
    deleted: bool = False
    kind: str = "text"
    document: SentDocument | None = None  # kind "document": the file (``text`` is its caption)

    def buttons(self) -> list[dict]:
        return [b for row in (self.reply_markup or {}).get("inline_keyboard") or [] for b in row]

    def button(self, contains: str) -> dict:
        """The first inline button whose title or callback data contains ``contains``."""
        for b in self.buttons():
            if contains in b.get("text", "") or contains in str(b.get("callback_data", "")):
                return b
        raise KeyError(f"no button with {contains!r} in {[b.get('text') for b in self.buttons()]}")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int
    at: float


class LocalBotAPI:
    """The server and its state. All methods run on the event loop the server was started on."""

    def __init__(self, token: str = DEFAULT_TOKEN, username: str = "tendik_local_bot") -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._callback_ids = itertools.count(1)
        self.pending: list[dict] = []  # updates not yet confirmed by getUpdates
        self.calls: list[Call] = []
        self.chats: dict[int, list[ChatMessage]] = {}
        self.chat_info: dict[int, dict] = {}
        self.callbacks: dict[str, dict | None] = {}  # callback query id -> answer params (None: not answered)
        self.callback_updates: dict[str, int] = {}  # callback query id -> its update_id
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self.webhook: dict[str, Any] | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status)
        self.blocked: set[int] = set()
        self._failures: dict[str, list[APIError]] = {}  # method -> errors for its next calls
        self.retry_after_hits: list[tuple[str, float]] = []
        self.delays: dict[str, float] = {}  # method (lower case) -> seconds before answering
        self.slow_calls: list[tuple[str, Callable[[dict[str, Any]], bool], float]] = []  # see slow_when
        self._changed: asyncio.Condition | None = None
        self._webhook_session: aiohttp.ClientSession | None = None
        self._webhook_tasks: set[asyncio.Task] = set()
        self.getupdates_active = 0

    # ------------------------------------------------------------ server
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._changed = asyncio.Condition()
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sock = site._server.sockets[0]  # type: ignore[union-attr]
        self.url = f"http://{host}:{sock.getsockname()[1]}"
        return self.url

    async def stop(self) -> None:
        for task in list(self._webhook_tasks):
            task.cancel()
        if self._webhook_session:
            await self._webhook_session.close()
        if self._runner:
            await self._runner.cleanup()

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if request.match_info["token"] != self.token:
            self.calls.append(Call(method, params, 401, time.monotonic()))
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        try:
            if delay := self.delays.get(method.lower()):
                await asyncio.sleep(delay)  # a slow network / a slow Telegram
            for slow_method, matches, seconds in self.slow_calls:
                if slow_method == method.lower() and matches(params):
                    await asyncio.sleep(seconds)
            failures = self._failures.get(method.lower())
            if failures:
                failure = failures.pop(0)
                if failure.code == 429:
                    self.retry_after_hits.append((method, time.monotonic()))
                raise failure
            handler = getattr(self, f"m_{method.lower()}", None)
            if handler is None:
                raise APIError(404, "Not Found: method not found")
            result = await handler(params)
        except APIError as err:
            self.calls.append(Call(method, params, err.code, time.monotonic()))
            await self._notify()
            if isinstance(err, HTMLPage):
                return web.Response(text=HTMLPage.PAGE, content_type="text/html", status=err.code)
            return web.json_response(err.body(), status=err.code)
        self.calls.append(Call(method, params, 200, time.monotonic()))
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                for key, value in (await request.post()).items():
                    params[key] = value if isinstance(value, str) else Upload(value.file.read(), value.filename, value.content_type)
        for key in JSON_FIELDS & set(params):
            if isinstance(params[key], str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError as exc:
                    raise web.HTTPBadRequest(text=f"{key} is not JSON") from exc
        return params

    # ------------------------------------------------------------ fault injection
    def fail_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` calls of ``method`` get 429 Too Many Requests with ``retry_after``."""
        error = APIError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)
        self._failures.setdefault(method.lower(), []).extend([error] * times)

    def error_next(self, method: str, code: int = 500, description: str = "Internal Server Error", times: int = 1) -> None:
        """The next ``times`` calls of ``method`` fail with this HTTP error."""
        self._failures.setdefault(method.lower(), []).extend([APIError(code, description)] * times)

    def html_next(self, method: str, times: int = 1, status: int = 502) -> None:
        """The next ``times`` calls of ``method`` get an HTML error page instead of Bot API JSON."""
        self._failures.setdefault(method.lower(), []).extend([HTMLPage(status, "Bad Gateway")] * times)

    def slow_when(self, method: str, matches: Callable[[dict[str, Any]], bool], seconds: float) -> None:
        """Calls of ``method`` whose parameters ``matches`` accepts are answered ``seconds`` later."""
        self.slow_calls.append((method.lower(), matches, seconds))

    def block_chat(self, chat_id: int) -> None:
        """Sending to this chat gets 403 "bot was blocked by the user"."""
        self.blocked.add(chat_id)

    # ------------------------------------------------------------ helpers
    def _new_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def me(self) -> dict[str, Any]:
        return {
            "id": self.bot_id, "is_bot": True, "first_name": "Tendik (local)", "username": self.username,
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False,
        }

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id not in self.chat_info:
            raise APIError(400, "Bad Request: chat not found")
        return self.chat_info[chat_id]

    def _message_dict(self, m: ChatMessage) -> dict[str, Any]:
        out: dict[str, Any] = {"message_id": m.message_id, "date": m.date, "chat": self.chat_info[m.chat_id], "text": m.text}
        if m.document is not None:
            del out["text"]
            out["document"] = {"file_id": f"local-doc-{m.chat_id}-{m.message_id}", "file_unique_id": f"ud-{m.chat_id}-{m.message_id}",
                               "file_name": m.document.file_name, "mime_type": m.document.mime_type, "file_size": len(m.document.data)}
            if m.text:
                out["caption"] = m.text
        if m.from_bot:
            out["from"] = self.me()
        if m.reply_markup:
            out["reply_markup"] = m.reply_markup
        if m.edits:
            out["edit_date"] = int(time.time())
        return out

    def _find(self, params: dict[str, Any]) -> ChatMessage:
        chat_id, message_id = int(params.get("chat_id", 0)), int(params.get("message_id", 0))
        for m in self.chats.get(chat_id, []):
            if m.message_id == message_id and m.from_bot and not m.deleted:
                return m
        raise APIError(400, "Bad Request: message to edit not found")

    @staticmethod
    def _text(params: dict[str, Any], key: str = "text") -> tuple[str, str | None]:
        raw = params.get(key)
        if raw is None or not str(raw).strip():
            raise APIError(400, "Bad Request: message text is empty")
        raw = str(raw)
        if str(params.get("parse_mode") or "").lower() == "html":
            visible = parse_telegram_html(raw)
            html_text: str | None = raw
        else:
            visible, html_text = raw, None
        if not visible.strip():
            raise APIError(400, "Bad Request: message text is empty")
        if utf16_len(visible) > MAX_TEXT:
            raise APIError(400, "Bad Request: message is too long")
        return visible, html_text

    # ------------------------------------------------------------ Bot API methods
    async def m_getme(self, params: dict) -> dict:
        return self.me()

    async def m_close(self, params: dict) -> bool:
        return True

    async def m_logout(self, params: dict) -> bool:
        return True

    async def m_getupdates(self, params: dict) -> list[dict]:
        if self.webhook:
            raise APIError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates") or None
        if offset:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        if allowed:
            self.pending = [u for u in self.pending if next(k for k in u if k != "update_id") in allowed]
        assert self._changed is not None
        self.getupdates_active += 1
        try:
            async with self._changed:
                if not self.pending and timeout > 0:
                    try:
                        await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.pending)), timeout)
                    except TimeoutError:
                        pass
        finally:
            self.getupdates_active -= 1
        if allowed:
            self.pending = [u for u in self.pending if next(k for k in u if k != "update_id") in allowed]
        return self.pending[:limit]

    async def m_setwebhook(self, params: dict) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self.m_deletewebhook(params)
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise APIError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret, "allowed_updates": params.get("allowed_updates") or None}
        if params.get("drop_pending_updates") in (True, "true", "True", "1"):
            self.pending.clear()
        else:
            for update in list(self.pending):
                self._deliver_webhook(update)
            self.pending.clear()
        return True

    async def m_deletewebhook(self, params: dict) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates") in (True, "true", "True", "1"):
            self.pending.clear()
        return True

    async def m_getwebhookinfo(self, params: dict) -> dict:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False, "pending_update_count": len(self.pending)}
        if self.webhook:
            info["url"] = self.webhook["url"]
            if self.webhook["allowed_updates"]:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    async def m_sendmessage(self, params: dict) -> dict:
        chat_id = int(params.get("chat_id") or 0)
        self._chat(chat_id)
        if chat_id in self.blocked:
            raise APIError(403, "Forbidden: bot was blocked by the user")
        visible, html_text = self._text(params)
        markup = params.get("reply_markup") or None
        check_reply_markup(markup)
        m = ChatMessage(self._new_message_id(chat_id), chat_id, True, visible, html_text, markup)
        self.chats.setdefault(chat_id, []).append(m)
        return self._message_dict(m)

    async def m_editmessagetext(self, params: dict) -> dict:
        m = self._find(params)
        visible, html_text = self._text(params)
        markup = params.get("reply_markup") or None
        check_reply_markup(markup)
        if visible == m.text and html_text == m.html and markup == m.reply_markup:
            raise APIError(400, "Bad Request: message is not modified")
        m.text, m.html, m.reply_markup, m.edits = visible, html_text, markup, m.edits + 1
        return self._message_dict(m)

    async def m_editmessagereplymarkup(self, params: dict) -> dict:
        m = self._find(params)
        markup = params.get("reply_markup") or None
        check_reply_markup(markup)
        if markup == m.reply_markup:
            raise APIError(400, "Bad Request: message is not modified")
        m.reply_markup, m.edits = markup, m.edits + 1
        return self._message_dict(m)

    async def m_deletemessage(self, params: dict) -> bool:
        self._find(params).deleted = True
        return True

    async def m_sendchataction(self, params: dict) -> bool:
        self._chat(int(params.get("chat_id") or 0))
        if str(params.get("action") or "") not in CHAT_ACTIONS:
            raise APIError(400, "Bad Request: wrong parameter action in request")
        return True

    async def m_senddocument(self, params: dict) -> dict:
        chat_id = int(params.get("chat_id") or 0)
        self._chat(chat_id)
        if chat_id in self.blocked:
            raise APIError(403, "Forbidden: bot was blocked by the user")
        document = params.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            document = params.get(document.removeprefix("attach://"))
        if not isinstance(document, Upload):  # a file_id or a URL: this server keeps no files
            raise APIError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if not document:
            raise APIError(400, "Bad Request: file must be non-empty")
        if len(document) > MAX_UPLOAD:
            raise APIError(413, "Request Entity Too Large")
        if not document.filename:
            raise APIError(400, "Bad Request: file name is empty")
        caption, caption_html = "", None
        if params.get("caption") not in (None, ""):
            caption, caption_html = self._text(params, "caption")
            if utf16_len(caption) > MAX_CAPTION:
                raise APIError(400, "Bad Request: message caption is too long")
        markup = params.get("reply_markup") or None
        check_reply_markup(markup)
        mime = mimetypes.guess_type(document.filename)[0] or "application/octet-stream"
        m = ChatMessage(self._new_message_id(chat_id), chat_id, True, caption, caption_html, markup, kind="document",
                        document=SentDocument(document.filename, mime, bytes(document)))
        self.chats.setdefault(chat_id, []).append(m)
        return self._message_dict(m)

    async def m_answercallbackquery(self, params: dict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self.callbacks or self.callbacks[query_id] is not None:
            raise APIError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text") or "")) > 200:
            raise APIError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.callbacks[query_id] = params
        return True

    @staticmethod
    def _scope_key(params: dict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return str(scope.get("type", "default")), str(params.get("language_code") or "")

    async def m_setmycommands(self, params: dict) -> bool:
        commands = params.get("commands") or []
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")) or not 1 <= len(c.get("description", "")) <= 256:
                raise APIError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[self._scope_key(params)] = commands
        return True

    async def m_getmycommands(self, params: dict) -> list[dict]:
        return self.commands.get(self._scope_key(params), [])

    async def m_deletemycommands(self, params: dict) -> bool:
        self.commands.pop(self._scope_key(params), None)
        return True

    async def m_setmydescription(self, params: dict) -> bool:
        if len(str(params.get("description") or "")) > 512:
            raise APIError(400, "Bad Request: description is too long")
        self.descriptions[("description", str(params.get("language_code") or ""))] = str(params.get("description") or "")
        return True

    async def m_setmyshortdescription(self, params: dict) -> bool:
        if len(str(params.get("short_description") or "")) > 120:
            raise APIError(400, "Bad Request: short description is too long")
        self.descriptions[("short", str(params.get("language_code") or ""))] = str(params.get("short_description") or "")
        return True

    async def m_getmydescription(self, params: dict) -> dict:
        return {"description": self.descriptions.get(("description", str(params.get("language_code") or "")), "")}

    async def m_getmyshortdescription(self, params: dict) -> dict:
        return {"short_description": self.descriptions.get(("short", str(params.get("language_code") or "")), "")}

    # ------------------------------------------------------------ updates (what users do)
    @staticmethod
    def user(user_id: int, language_code: str | None = "ru", first_name: str = "Test") -> dict[str, Any]:
        out: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            out["language_code"] = language_code
        return out

    def ensure_private_chat(self, user_id: int, first_name: str = "Test") -> dict[str, Any]:
        """Make a private chat with this user known (as after the user pressed Start in Telegram)."""
        return self.chat_info.setdefault(user_id, {"id": user_id, "type": "private", "first_name": first_name})

    async def inject(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue (or, with a webhook, deliver) one update; returns its update_id."""
        update = {"update_id": next(self._update_ids), kind: payload}
        if self.webhook:
            allowed = self.webhook["allowed_updates"]
            if not allowed or kind in allowed:
                self._deliver_webhook(update)
        else:
            self.pending.append(update)
            await self._notify()
        return update["update_id"]

    def _user_message(self, user_id: int, chat: dict[str, Any], language_code: str | None, **content: Any) -> dict[str, Any]:
        mid = self._new_message_id(chat["id"])
        m = ChatMessage(mid, chat["id"], False, str(content.get("text") or content.get("caption") or ""), kind=next(iter(content), "text"))
        self.chats.setdefault(chat["id"], []).append(m)
        return {"message_id": mid, "date": int(time.time()), "chat": chat, "from": self.user(user_id, language_code), **content}

    async def send_text(self, user_id: int, text: str, language_code: str | None = "ru") -> int:
        chat = self.ensure_private_chat(user_id)
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        return await self.inject("message", self._user_message(user_id, chat, language_code, **content))

    async def send_content(self, user_id: int, kind: str, language_code: str | None = "ru") -> int:
        """A non-text message: sticker, photo, voice, document, location, contact, video, animation."""
        uid = {"file_id": f"local-{kind}-{user_id}", "file_unique_id": f"u-{kind}-{user_id}"}
        contents: dict[str, dict[str, Any]] = {
            "sticker": {"sticker": {**uid, "type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False}},
            "photo": {"photo": [{**uid, "width": 90, "height": 90}, {**uid, "width": 800, "height": 800}]},
            "voice": {"voice": {**uid, "duration": 4, "mime_type": "audio/ogg"}},
            "document": {"document": {**uid, "file_name": "contract.pdf", "mime_type": "application/pdf"}},
            "location": {"location": {"latitude": 43.238949, "longitude": 76.889709}},
            "contact": {"contact": {"phone_number": "+77010000000", "first_name": "Test"}},
            "video": {"video": {**uid, "width": 640, "height": 480, "duration": 3}},
            "animation": {"animation": {**uid, "width": 320, "height": 240, "duration": 2}},
        }
        chat = self.ensure_private_chat(user_id)
        return await self.inject("message", self._user_message(user_id, chat, language_code, **contents[kind]))

    async def edit_text(self, user_id: int, message_id: int, text: str, language_code: str | None = "ru") -> int:
        chat = self.ensure_private_chat(user_id)
        payload = {"message_id": message_id, "date": int(time.time()) - 5, "edit_date": int(time.time()), "chat": chat,
                   "from": self.user(user_id, language_code), "text": text}
        return await self.inject("edited_message", payload)

    async def send_group_text(self, user_id: int, group_id: int, text: str, language_code: str | None = "ru") -> int:
        chat = self.chat_info.setdefault(group_id, {"id": group_id, "type": "supergroup", "title": "Workers' chat"})
        return await self.inject("message", self._user_message(user_id, chat, language_code, text=text))

    async def press(self, user_id: int, message: ChatMessage, data: str, language_code: str | None = "ru") -> str:
        """The user presses an inline button (its callback_data) under ``message``; returns the query id."""
        query_id = str(next(self._callback_ids))
        self.callbacks[query_id] = None
        payload = {
            "id": query_id, "from": self.user(user_id, language_code), "chat_instance": f"ci-{message.chat_id}",
            "message": self._message_dict(message), "data": data,
        }
        self.callback_updates[query_id] = await self.inject("callback_query", payload)
        return query_id

    async def set_blocked_by_user(self, user_id: int, blocked: bool = True) -> int:
        """The user blocks (or unblocks) the bot: 403 on sends, and a ``my_chat_member`` update."""
        chat = self.ensure_private_chat(user_id)
        (self.blocked.add if blocked else self.blocked.discard)(user_id)
        now = int(time.time())
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        payload = {
            "chat": chat, "from": self.user(user_id), "date": now,
            "old_chat_member": {"status": old, "user": self.me()} | ({"until_date": 0} if old == "kicked" else {}),
            "new_chat_member": {"status": new, "user": self.me()} | ({"until_date": 0} if new == "kicked" else {}),
        }
        return await self.inject("my_chat_member", payload)

    # ------------------------------------------------------------ webhook delivery
    def _deliver_webhook(self, update: dict) -> None:
        task = asyncio.get_running_loop().create_task(self._post_webhook(update))
        self._webhook_tasks.add(task)
        task.add_done_callback(self._webhook_tasks.discard)

    async def _post_webhook(self, update: dict, attempts: int = 3) -> None:
        assert self.webhook is not None
        if self._webhook_session is None or self._webhook_session.closed:
            self._webhook_session = aiohttp.ClientSession()
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(self.webhook["secret_token"])
        status = 0
        for attempt in range(attempts):
            try:
                async with self._webhook_session.post(self.webhook["url"], json=update, headers=headers) as resp:
                    status = resp.status
            except aiohttp.ClientError:
                status = 0
            if 200 <= status < 300:
                break
            await asyncio.sleep(0.5 * (attempt + 1))
        self.webhook_deliveries.append((update["update_id"], status))
        await self._notify()

    # ------------------------------------------------------------ what tests look at
    def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        return [m for m in self.chats.get(chat_id, []) if m.from_bot]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    async def wait_until(self, predicate: Callable[[], T], timeout: float = 120.0) -> T:
        """Wait until ``predicate()`` is truthy (checked after every API call); returns its value."""
        assert self._changed is not None
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not (value := predicate()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"condition not met in {timeout:.0f} s")
                try:
                    await asyncio.wait_for(self._changed.wait(), min(remaining, 1.0))
                except TimeoutError:
                    pass
            return value

    async def wait_for_messages(self, chat_id: int, count: int, timeout: float = 120.0, after: int = 0) -> list[ChatMessage]:
        """The bot's messages in this chat once there are at least ``count`` after the first ``after``."""
        def ready() -> list[ChatMessage] | None:
            msgs = self.bot_messages(chat_id)[after:]
            return msgs if len(msgs) >= count else None

        return await self.wait_until(ready, timeout)

    async def wait_callback_answered(self, query_id: str, timeout: float = 60.0) -> dict:
        return await self.wait_until(lambda: self.callbacks.get(query_id), timeout)


class LoopThread:
    """An asyncio event loop in a background thread, for synchronous tests and tools:
    ``lt.run(coro)`` runs a coroutine there and returns its result."""

    def __init__(self, name: str = "local-bot-api") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, coro: Coroutine[Any, Any, T] | Awaitable[T], timeout: float | None = 300) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        return future.result(timeout)

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def close(self) -> None:
        async def _cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        self.run(_cancel_all(), timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


# ---------------------------------------------------------------- a terminal "Telegram client"
async def _terminal(api: LocalBotAPI, user_id: int, language_code: str) -> None:
    loop = asyncio.get_running_loop()
    seen = 0
    print(f"local Bot API at {api.url} (token {api.token})")
    print("start the bot with:")
    print(f"  TENDIK_TELEGRAM_TOKEN='{api.token}' TENDIK_TELEGRAM_API_URL={api.url} python -m tendik.telegram")
    print("then type messages; '!press N' presses button N of the last bot message; '!sticker', '!voice', '!quit'")
    while True:
        line = await loop.run_in_executor(None, input, "you> ")
        if line.strip() == "!quit":
            return
        msgs = api.bot_messages(user_id)
        if line.startswith("!press ") and msgs:
            buttons = msgs[-1].buttons()
            n = int(line.split()[1])
            await api.press(user_id, msgs[-1], buttons[n]["callback_data"], language_code)
        elif line.startswith("!") and line[1:].strip() in ("sticker", "photo", "voice", "document", "location"):
            await api.send_content(user_id, line[1:].strip(), language_code)
        else:
            await api.send_text(user_id, line, language_code)
        try:
            await api.wait_for_messages(user_id, 1, timeout=120, after=seen)
            await asyncio.sleep(1.0)
        except TimeoutError:
            print("(no answer in 120 s)")
        for m in api.bot_messages(user_id)[seen:]:
            print("bot> " + m.text.replace("\n", "\n     "))
            for i, b in enumerate(m.buttons()):
                print(f"     [{i}] {b['text']}")
        seen = len(api.bot_messages(user_id))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="python -m tests.fakes.telegram_api")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--user-id", type=int, default=1001, help="the Telegram user id you chat as")
    parser.add_argument("--language-code", default="ru")
    args = parser.parse_args(argv)

    async def run() -> None:
        api = LocalBotAPI(token=args.token)
        await api.start(args.host, args.port)
        try:
            await _terminal(api, args.user_id, args.language_code)
        finally:
            await api.stop()

    try:
        asyncio.run(run())
    except (KeyboardInterrupt, EOFError):
        pass


if __name__ == "__main__":
    main()
