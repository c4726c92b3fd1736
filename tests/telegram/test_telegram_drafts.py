"""Drafts as documents and /check, through the local Bot API server (issue 12).

* A reply whose typed payload carries a draft: the answer's messages, then the DOCX and the PDF
  (``sendDocument``, a caption in the user's language, "sending a file…" while they are made),
  then the rest of the reply. The files are the real ones (tendik.drafts): the DOCX opened with
  python-docx, the PDF's text read with pypdf, both holding the user's name with Kazakh letters.
  The current build of the assistant has no draft questions yet, so these replies come from a
  stand-in for Rasa's REST channel that answers with real payloads (tendik.payload) in Rasa's
  reply format; the bot, its Bot API traffic and the files are real.
* A draft the values cannot fill (a required field missing, an unreadable date), an unknown
  template, an order that is garbage, Telegram refusing the upload: a message in the user's
  language, nothing crashes, the rest of the reply arrives, the bot goes on.
* /check starts the self-check in the real assistant: its first question with buttons; the menu
  and /help list /check in Kazakh and Russian.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from typing import Any

import docx
import pytest
from aiohttp import web
from conftest import TelegramBot, new_user_id, start_bot, visible
from pypdf import PdfReader

from tendik.drafts.files import files_for
from tendik.drafts.render import DraftError
from tendik.payload import BLANK, AnswerPayload, DraftOrder, Section
from tendik.telegram.texts import COMMANDS, t
from tendik.texts import text
from tests.fakes.telegram_api import ChatMessage, LoopThread

LANGS = ("kk", "ru")
NAME = "Әсел Нұрланқызы"
FIELDS = {
    "kk": {"worker_name": NAME, "worker_address": "Алматы, Абай даңғылы 1", "employer_name": "«Алма» ЖШС",
           "decision": "жұмыстан шығару", "worker_contact": BLANK},
    "ru": {"worker_name": NAME, "worker_address": "Алматы, проспект Абая 1", "employer_name": "ТОО «Алма»",
           "decision": "увольнение", "worker_contact": BLANK},
}
AFTER = {"kk": "Тағы сұрағыңыз болса, жазыңыз.", "ru": "Если есть ещё вопросы, напишите."}
_scenarios = itertools.count(1)


class StandInRasa:
    """Rasa's REST channel as the bot sees it: each message text has its scripted reply."""

    def __init__(self) -> None:
        self.replies: dict[str, list[dict[str, Any]]] = {}
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        async def webhook(request: web.Request) -> web.Response:
            body = await request.json()
            sender = body.get("sender")
            return web.json_response([{"recipient_id": sender, **m} for m in self.replies.get(body.get("message"), [])])

        async def status(_: web.Request) -> web.Response:
            return web.json_response({"status": "ok", "actions": True})

        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", webhook)
        app.router.add_get("/webhooks/rest/", status)
        self.runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        return self.url

    def script(self, reply: list[dict[str, Any]]) -> str:
        """A new message text whose reply is ``reply``."""
        message = f"scenario {next(_scenarios)}"
        self.replies[message] = reply
        return message


@pytest.fixture(scope="module")
def stand_in(loop_thread: LoopThread) -> Iterator[StandInRasa]:
    rasa = StandInRasa()
    loop_thread.run(rasa.start())
    yield rasa
    assert rasa.runner is not None
    loop_thread.run(rasa.runner.cleanup())


@pytest.fixture(scope="module")
def drafts_bot(loop_thread: LoopThread, assistant, stand_in: StandInRasa,  # noqa: ANN001
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[TelegramBot]:
    bot = start_bot(loop_thread, stand_in.url, assistant.db_url, tmp_path_factory.mktemp("tg-drafts"))
    yield bot
    bot.stop()


def answer_with_draft(lang: str, draft: Any) -> list[dict[str, Any]]:
    """A reply as Rasa's REST channel sends it: the answer's text, its custom payload (the draft
    order as ``draft``: a DraftOrder, or any raw value), then another message with a button."""
    payload = AnswerPayload(lang=lang, sections=[Section("title", text="Жоба" if lang == "kk" else "Черновик")])
    custom = payload.to_dict()
    custom["draft"] = draft.to_dict() if isinstance(draft, DraftOrder) else draft
    return [{"text": payload.plain_text()}, {"custom": custom},
            {"text": AFTER[lang], "buttons": [{"title": "?", "payload": "/help_me"}]}]


def documents(messages: list[ChatMessage]) -> list[ChatMessage]:
    return [m for m in messages if m.kind == "document"]


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def upload_actions(bot: TelegramBot, user: int) -> list[str]:
    return [str(c.params.get("action")) for c in bot.api.calls_of("sendChatAction")
            if int(c.params.get("chat_id") or 0) == user and c.status == 200]


# ---------------------------------------------------------------- drafts delivered
@pytest.mark.parametrize("lang", LANGS)
def test_a_draft_comes_as_docx_then_pdf_with_the_users_name(drafts_bot: TelegramBot, stand_in: StandInRasa, lang: str) -> None:
    user = new_user_id()
    drafts_bot.choose_language(user, lang)
    errors = len(drafts_bot.handled.errors)
    message = stand_in.script(answer_with_draft(lang, DraftOrder("request-reasons", lang, FIELDS[lang])))
    reply = drafts_bot.say(user, message)

    assert [m.kind for m in reply] == ["text", "document", "document", "text"], visible(reply)
    assert "Жоба" in reply[0].text or "Черновик" in reply[0].text
    docx_msg, pdf_msg = documents(reply)
    assert docx_msg.document and pdf_msg.document
    assert docx_msg.document.file_name == f"request-reasons-{lang}.docx"
    assert pdf_msg.document.file_name == f"request-reasons-{lang}.pdf"
    assert docx_msg.document.mime_type.endswith("wordprocessingml.document") and pdf_msg.document.mime_type == "application/pdf"
    assert NAME not in docx_msg.document.file_name + pdf_msg.document.file_name  # no personal data in names
    caption = t("draft_caption", lang)
    assert docx_msg.text == pdf_msg.text == caption
    assert ("юрист" in caption) == (lang == "ru") and ("заңгер" in caption) == (lang == "kk")

    opened = docx_text(docx_msg.document.data)
    assert NAME in opened and FIELDS[lang]["employer_name"] in opened
    assert text("drafts.mark", lang) in docx.Document(io.BytesIO(docx_msg.document.data)).sections[0].header.paragraphs[0].text
    assert NAME in pdf_text(pdf_msg.document.data)
    assert pdf_msg.document.data.startswith(b"%PDF")

    assert reply[-1].text == AFTER[lang] and reply[-1].buttons()  # the rest of the reply is not lost
    assert "upload_document" in upload_actions(drafts_bot, user)
    assert drafts_bot.handled.errors[errors:] == []


def test_a_draft_alone_without_text_still_comes(drafts_bot: TelegramBot, stand_in: StandInRasa) -> None:
    user = new_user_id()
    drafts_bot.choose_language(user, "kk")
    order = DraftOrder("request-reasons", "kk", FIELDS["kk"])
    message = stand_in.script([{"custom": {"type": "tendik_answer", "lang": "kk", "sections": [], "draft": order.to_dict()}}])
    reply = drafts_bot.say(user, message)
    assert [m.kind for m in reply] == ["document", "document"]
    assert NAME in docx_text(reply[0].document.data)  # type: ignore[union-attr]


# ---------------------------------------------------------------- broken drafts
def draft_error(order: DraftOrder) -> DraftError:
    """The error the drafts package itself raises for ``order`` (what the user must be told)."""
    try:
        files_for(order, formats=("docx",))
    except DraftError as exc:
        return exc
    raise AssertionError("the order was expected to fail")


def broken_orders(lang: str) -> list[tuple[str, Any, str]]:
    """(name, the draft value in the payload, what the user must read)."""
    missing = DraftOrder("request-reasons", lang, {k: v for k, v in FIELDS[lang].items() if k != "worker_address"})
    bad_date = DraftOrder("request-reasons", lang, {**FIELDS[lang], "event_date": "31.02.2026"})
    failed = t("draft_failed", lang)
    return [
        ("missing field", missing, draft_error(missing).message(lang)),
        ("bad date", bad_date, draft_error(bad_date).message(lang)),
        ("unknown template", DraftOrder("no-such-template", lang, FIELDS[lang]), failed),
        ("garbage string", "garbage", failed),
        ("garbage order", {"template": 5, "lang": "en", "fields": [1, 2]}, failed),
        ("too many fields", {"template": "request-reasons", "lang": lang, "fields": {f"f{n}": "x" for n in range(41)}}, failed),
        ("huge value", {"template": "request-reasons", "lang": lang, "fields": {**FIELDS[lang], "event": "x" * 2001}}, failed),
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_a_broken_draft_is_explained_in_the_users_language(drafts_bot: TelegramBot, stand_in: StandInRasa, lang: str) -> None:
    user = new_user_id()
    drafts_bot.choose_language(user, lang)
    errors = len(drafts_bot.handled.errors)
    for name, draft, expected in broken_orders(lang):
        reply = drafts_bot.say(user, stand_in.script(answer_with_draft(lang, draft)))
        assert [m.kind for m in reply] == ["text", "text", "text"], (name, visible(reply))
        assert reply[1].text == expected, name
        assert reply[-1].text == AFTER[lang], name
    missing_label = "Адрес для ответа" if lang == "ru" else "Жауап жіберілетін мекенжай"
    assert missing_label in broken_orders(lang)[0][2]
    assert documents(drafts_bot.api.bot_messages(user)) == []
    assert drafts_bot.handled.errors[errors:] == []
    assert "/check" in visible(drafts_bot.say(user, "/help"))  # the bot goes on


def test_telegram_refusing_the_upload_is_explained_and_the_reply_goes_on(drafts_bot: TelegramBot, stand_in: StandInRasa) -> None:
    user = new_user_id()
    drafts_bot.choose_language(user, "ru")
    errors = len(drafts_bot.handled.errors)
    drafts_bot.api.error_next("sendDocument", 500, "Internal Server Error")
    reply = drafts_bot.say(user, stand_in.script(answer_with_draft("ru", DraftOrder("request-reasons", "ru", FIELDS["ru"]))))
    assert [m.kind for m in reply] == ["text", "text", "text"], visible(reply)
    assert reply[1].text == t("draft_failed", "ru") and reply[-1].text == AFTER["ru"]
    assert drafts_bot.handled.errors[errors:] == []
    # The next draft comes through.
    reply = drafts_bot.say(user, stand_in.script(answer_with_draft("ru", DraftOrder("request-reasons", "ru", FIELDS["ru"]))))
    assert [m.kind for m in reply] == ["text", "document", "document", "text"]


def test_values_are_never_logged(drafts_bot: TelegramBot, stand_in: StandInRasa, caplog: pytest.LogCaptureFixture) -> None:
    user = new_user_id()
    drafts_bot.choose_language(user, "kk")
    secret_address = "Астана, Тәуелсіздік 999-үй"
    with caplog.at_level("DEBUG"):
        ok = DraftOrder("request-reasons", "kk", {**FIELDS["kk"], "worker_address": secret_address})
        bad = DraftOrder("request-reasons", "kk", {**FIELDS["kk"], "worker_address": secret_address, "event_date": "99.99.9999"})
        for order in (ok, bad):
            drafts_bot.say(user, stand_in.script(answer_with_draft("kk", order)))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "request-reasons" in logged  # the template id is logged ...
    assert NAME not in logged and secret_address not in logged and "99.99.9999" not in logged  # ... never the values


# ---------------------------------------------------------------- /check
@pytest.mark.parametrize("lang", LANGS)
def test_check_starts_the_self_check(tg: TelegramBot, lang: str) -> None:
    user = new_user_id()
    tg.choose_language(user, lang)
    reply = tg.say(user, "/check")
    shown = [m.text for m in reply]
    assert text("selfcheck.form.intro", lang) in shown, shown
    question = next((m for m in reply if m.text == text("selfcheck.ask.sc_stage", lang)), None)
    assert question is not None, [(m.text, m.html) for m in reply]
    payloads = [tg.ctx.payloads.decode(b["callback_data"]) for b in question.buttons()]
    assert '/inform_sc{"sc_stage":"dismissal"}' in payloads and payloads[-1] == "/selfcheck_stop", payloads
    dismissal = next(b for b in question.buttons() if tg.ctx.payloads.decode(b["callback_data"]) == '/inform_sc{"sc_stage":"dismissal"}')
    _, msgs = tg.press(user, question, dismissal["callback_data"])
    assert text("selfcheck.ask.sc_ground", lang) in [m.text for m in msgs]
    stored = [e for e in tg.query("SELECT intent_name FROM events WHERE sender_id = ? AND type_name = 'user'", tg.sender_id(user))]
    assert ("start_selfcheck",) in stored


def test_check_is_in_the_menu_and_the_help_in_both_languages(tg: TelegramBot) -> None:
    assert "check" in COMMANDS
    for code in LANGS:
        menu = {c["command"]: c["description"] for c in tg.api.commands[("default", code)]}
        assert menu["check"] == COMMANDS["check"][code]
        assert list(menu).index("check") == list(menu).index("topics") + 1
    bilingual = {c["command"]: c["description"] for c in tg.api.commands[("default", "")]}
    assert bilingual["check"] == f"{COMMANDS['check']['kk']} / {COMMANDS['check']['ru']}"
    for lang in LANGS:
        user = new_user_id()
        tg.choose_language(user, lang)
        help_text = visible(tg.say(user, "/help"))
        assert t("help_check", lang) in help_text
        assert help_text.index("/check") < help_text.index("/help —")

