"""Drafts as documents and /check, through the local Bot API server (issue 12).

* The draft form in the real assistant: the self-check result's draft button
  (``/request_draft{"draft_template":"request-reasons"}``), the questions answered in Telegram (a
  name with Kazakh letters, the "✍️" button for the address, an employer, a decision), then the
  "ready" message, the DOCX and the PDF (``sendDocument``, a caption in the user's language,
  "sending a file…" while they are made). The files are the real ones: the DOCX opened with
  python-docx, the PDF's text read with pypdf, both holding the name as typed.
* A draft the values cannot fill (a required field missing, an unreadable date), an unknown
  template, an order that is garbage, Telegram refusing the upload: the bot's delivery of a reply
  (tendik.telegram.conversation.render_reply and send_all, the real Bot against the local Bot API)
  with such payloads: a message in the user's language, the rest of the reply arrives, nothing
  crashes. The assistant itself never sends such orders, so these are driven at that level.
* /check starts the self-check in the real assistant: its first question with buttons; the menu
  and /help list /check in Kazakh and Russian.
"""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from conftest import TelegramBot, new_user_id, visible
from pypdf import PdfReader

from tendik.common.rasa_client import parse_reply
from tendik.drafts.files import files_for
from tendik.drafts.render import DraftError, load_templates
from tendik.payload import BLANK, AnswerPayload, DraftOrder, Section
from tendik.telegram.conversation import render_reply, send_all
from tendik.telegram.texts import COMMANDS, t
from tendik.texts import text
from tests.fakes.telegram_api import ChatMessage

LANGS = ("kk", "ru")
TEMPLATE = "request-reasons"
REQUEST = '/request_draft{"draft_template":"request-reasons"}'
NAME = "Әсел Нұрланқызы"
EMPLOYER = {"kk": "«Алма» ЖШС", "ru": "ТОО «Алма»"}
DECISION = {"kk": "жұмысқа алудан бас тарту", "ru": "отказ в приёме на работу"}
FIELDS = {
    "kk": {"worker_name": NAME, "worker_address": "Алматы, Абай даңғылы 1", "employer_name": EMPLOYER["kk"],
           "decision": "жұмыстан шығару", "worker_contact": BLANK},
    "ru": {"worker_name": NAME, "worker_address": "Алматы, проспект Абая 1", "employer_name": EMPLOYER["ru"],
           "decision": "увольнение", "worker_contact": BLANK},
}
AFTER = {"kk": "Тағы сұрағыңыз болса, жазыңыз.", "ru": "Если есть ещё вопросы, напишите."}
TEMPLATES = load_templates()


def question(field: str, lang: str, i: int, n: int = 4) -> str:
    return text("drafts.form.ask", lang, i=i, n=n, label=TEMPLATES[TEMPLATE].fields[field].label[lang])


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


def press_payload(bot: TelegramBot, user: int, message: ChatMessage, payload: str) -> list[ChatMessage]:
    """Press the button of ``message`` whose Rasa payload is ``payload``."""
    button = next((b for b in message.buttons() if bot.ctx.payloads.decode(b.get("callback_data", "")) == payload), None)
    assert button is not None, [bot.ctx.payloads.decode(b.get("callback_data", "")) for b in message.buttons()]
    _, msgs = bot.press(user, message, button["callback_data"])
    return msgs


def asking(reply: list[ChatMessage], wanted: str) -> ChatMessage:
    found = next((m for m in reply if m.text == wanted), None)
    assert found is not None, (wanted, visible(reply))
    return found


# ---------------------------------------------------------------- the draft form, for real
@pytest.mark.parametrize("lang", LANGS)
def test_the_draft_form_ends_with_docx_then_pdf_holding_the_users_name(tg: TelegramBot, lang: str,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    user = new_user_id()
    welcome = tg.choose_language(user, lang)[-1]
    errors = len(tg.handled.errors)
    caplog.set_level("DEBUG")
    # The self-check result's draft button (its payload, as Rasa sends it under the result).
    _, reply = tg.press(user, welcome, tg.ctx.payloads.encode(REQUEST))
    assert text("drafts.form.intro", lang, title=TEMPLATES[TEMPLATE].title[lang], n=4) in [m.text for m in reply], visible(reply)
    asking(reply, question("worker_name", lang, 1))

    reply = tg.say(user, NAME)
    address = asking(reply, question("worker_address", lang, 2))
    skip = next(b for b in address.buttons() if tg.ctx.payloads.decode(b["callback_data"]) == "/draft_skip")
    assert skip["text"] == text("drafts.form.skip", lang) and skip["text"].startswith("✍️")
    reply = press_payload(tg, user, address, "/draft_skip")  # the address by hand
    asking(reply, question("employer_name", lang, 3))
    reply = tg.say(user, EMPLOYER[lang])
    asking(reply, question("decision", lang, 4))
    reply = tg.say(user, DECISION[lang])

    kinds = [m.kind for m in reply]
    assert kinds.count("document") == 2, visible(reply)
    first_doc = kinds.index("document")
    assert kinds[first_doc + 1] == "document"
    assert any(text("drafts.form.ready_title", lang, title=TEMPLATES[TEMPLATE].title[lang]) in m.text for m in reply[:first_doc])
    docx_msg, pdf_msg = documents(reply)
    assert docx_msg.document and pdf_msg.document
    assert docx_msg.document.file_name == f"{TEMPLATE}-{lang}.docx"
    assert pdf_msg.document.file_name == f"{TEMPLATE}-{lang}.pdf"
    assert docx_msg.document.mime_type.endswith("wordprocessingml.document") and pdf_msg.document.mime_type == "application/pdf"
    assert NAME not in docx_msg.document.file_name + pdf_msg.document.file_name  # no personal data in names
    caption = t("draft_caption", lang)
    assert docx_msg.text == pdf_msg.text == caption
    assert ("юрист" in caption) == (lang == "ru") and ("заңгер" in caption) == (lang == "kk")

    opened = docx_text(docx_msg.document.data)
    assert NAME in opened and EMPLOYER[lang] in opened
    assert text("drafts.mark", lang) in docx.Document(io.BytesIO(docx_msg.document.data)).sections[0].header.paragraphs[0].text
    assert NAME in " ".join(pdf_text(pdf_msg.document.data).split())
    assert pdf_msg.document.data.startswith(b"%PDF")
    assert "upload_document" in upload_actions(tg, user)
    assert tg.handled.errors[errors:] == []
    assert NAME not in caplog.text and EMPLOYER[lang] not in caplog.text  # the values are never logged


# ---------------------------------------------------------------- a reply's draft delivered (payload level)
def reply_with_draft(lang: str, draft: Any) -> list[dict[str, Any]]:
    """A reply in Rasa's REST format: the answer's text, its custom payload (the draft order as
    ``draft``: a DraftOrder, or any raw value), then another message with a button."""
    payload = AnswerPayload(lang=lang, sections=[Section("title", text="Жоба" if lang == "kk" else "Черновик")])
    custom = payload.to_dict()
    custom["draft"] = draft.to_dict() if isinstance(draft, DraftOrder) else draft
    return [{"text": payload.plain_text()}, {"custom": custom},
            {"text": AFTER[lang], "buttons": [{"title": "?", "payload": "/help_me"}]}]


def deliver(bot: TelegramBot, user: int, raw: list[dict[str, Any]], lang: str) -> list[ChatMessage]:
    """The bot's delivery of a reply (render_reply, then send_all) to the user's chat; its messages."""
    before = len(bot.api.bot_messages(user))
    outgoing = render_reply(parse_reply(raw), bot.ctx.payloads, lang)
    bot.lt.run(send_all(bot.bot, user, outgoing, lang))
    return bot.api.bot_messages(user)[before:]


def draft_error(order: DraftOrder) -> DraftError:
    """The error the drafts package itself raises for ``order`` (what the user must be told)."""
    try:
        files_for(order, formats=("docx",))
    except DraftError as exc:
        return exc
    raise AssertionError("the order was expected to fail")


def broken_orders(lang: str) -> list[tuple[str, Any, str]]:
    """(name, the draft value in the payload, what the user must read)."""
    missing = DraftOrder(TEMPLATE, lang, {k: v for k, v in FIELDS[lang].items() if k != "worker_address"})
    bad_date = DraftOrder(TEMPLATE, lang, {**FIELDS[lang], "event_date": "31.02.2026"})
    failed = t("draft_failed", lang)
    return [
        ("missing field", missing, draft_error(missing).message(lang)),
        ("bad date", bad_date, draft_error(bad_date).message(lang)),
        ("unknown template", DraftOrder("no-such-template", lang, FIELDS[lang]), failed),
        ("garbage string", "garbage", failed),
        ("garbage order", {"template": 5, "lang": "en", "fields": [1, 2]}, failed),
        ("too many fields", {"template": TEMPLATE, "lang": lang, "fields": {f"f{n}": "x" for n in range(41)}}, failed),
        ("huge value", {"template": TEMPLATE, "lang": lang, "fields": {**FIELDS[lang], "event": "x" * 2001}}, failed),
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_a_broken_draft_is_explained_in_the_users_language(tg: TelegramBot, lang: str) -> None:
    user = new_user_id()
    tg.choose_language(user, lang)
    for name, draft, expected in broken_orders(lang):
        reply = deliver(tg, user, reply_with_draft(lang, draft), lang)
        assert [m.kind for m in reply] == ["text", "text", "text"], (name, visible(reply))
        assert reply[1].text == expected, name
        assert reply[-1].text == AFTER[lang] and reply[-1].buttons(), name  # the rest of the reply is not lost
    missing_label = "Адрес для ответа" if lang == "ru" else "Жауап жіберілетін мекенжай"
    assert missing_label in broken_orders(lang)[0][2]
    assert documents(tg.api.bot_messages(user)) == []
    assert "/check" in visible(tg.say(user, "/help"))  # the bot goes on


def test_telegram_refusing_the_upload_is_explained_and_the_reply_goes_on(tg: TelegramBot) -> None:
    user = new_user_id()
    tg.choose_language(user, "ru")
    order = DraftOrder(TEMPLATE, "ru", FIELDS["ru"])
    tg.api.error_next("sendDocument", 500, "Internal Server Error")
    reply = deliver(tg, user, reply_with_draft("ru", order), "ru")
    assert [m.kind for m in reply] == ["text", "text", "text"], visible(reply)
    assert reply[1].text == t("draft_failed", "ru") and reply[-1].text == AFTER["ru"]
    # The next draft comes through.
    reply = deliver(tg, user, reply_with_draft("ru", order), "ru")
    assert [m.kind for m in reply] == ["text", "document", "document", "text"]


def test_values_are_never_logged(tg: TelegramBot, caplog: pytest.LogCaptureFixture) -> None:
    user = new_user_id()
    tg.choose_language(user, "kk")
    secret_address = "Астана, Тәуелсіздік 999-үй"
    with caplog.at_level("DEBUG"):
        ok = DraftOrder(TEMPLATE, "kk", {**FIELDS["kk"], "worker_address": secret_address})
        bad = DraftOrder(TEMPLATE, "kk", {**FIELDS["kk"], "worker_address": secret_address, "event_date": "99.99.9999"})
        for order in (ok, bad):
            deliver(tg, user, reply_with_draft("kk", order), "kk")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert TEMPLATE in logged  # the template id is logged ...
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
        assert [line for line in help_text.splitlines() if line.startswith("/check")], help_text  # the catalog's or help_check
        assert help_text.index("/check") < help_text.index("/help —")

