"""The draft form end to end through the REST channel (real Rasa with the trained form and rules, real
action server, the real tracker store): a self-check result's draft button, the values asked one at a
time with the template's labels, a name typed for the draft kept as typed (only while the form asks;
elsewhere names are masked), an invalid date re-asked, a value left blank, "back", stop; the last
message carries the draft order, which makes DOCX and PDF files with the user's values."""

from __future__ import annotations

import datetime
import io
import urllib.parse

import docx
from pypdf import PdfReader

from tendik.drafts.files import files_for
from tendik.drafts.render import BLANK_LINE, load_templates
from tendik.ops.services import Services
from tendik.payload import BLANK
from tendik.texts import text
from tests.test_e2e_rest import new_sender, send
from tests.test_e2e_situation import payloads

TEMPLATES = load_templates()


def say(assistant: Services, sender: str, message: str, lang: str) -> list[dict]:
    return send(assistant, sender, message, metadata={"language": lang})


def texts(reply: list[dict]) -> list[str]:
    return [m["text"] for m in reply if m.get("text")]


def tracker(assistant: Services, sender: str) -> dict:
    return assistant.api(f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker", timeout=30)


def question(template: str, field: str, lang: str, i: int, n: int) -> str:
    return text("drafts.form.ask", lang, i=i, n=n, label=TEMPLATES[template].fields[field].label[lang])


def test_ru_a_draft_from_the_button_to_the_files(assistant: Services) -> None:
    lang, sender, tid = "ru", new_sender("draft-ru"), "request-reasons"
    # outside the form a name is masked before it is stored
    say(assistant, sender, "меня зовут Иванова Мария Петровна, меня уволили", lang)
    reply = say(assistant, sender, '/request_draft{"draft_template":"request-reasons"}', lang)
    said = texts(reply)
    assert text("drafts.form.intro", lang, title=TEMPLATES[tid].title[lang], n=4) in said
    assert question(tid, "worker_name", lang, 1, 4) in said
    buttons = [b["payload"] for m in reply for b in m.get("buttons") or []]
    assert "/draft_skip" in buttons and "/selfcheck_stop" in buttons

    reply = say(assistant, sender, "Иванова Мария Петровна", lang)
    assert question(tid, "worker_address", lang, 2, 4) in texts(reply)
    reply = say(assistant, sender, "назад", lang)  # one value back: the name again
    assert text("drafts.form.back", lang) in texts(reply) and question(tid, "worker_name", lang, 1, 4) in texts(reply)
    say(assistant, sender, "Иванова Мария Петровна", lang)
    reply = say(assistant, sender, "/draft_skip", lang)  # the address by hand
    assert question(tid, "employer_name", lang, 3, 4) in texts(reply)
    say(assistant, sender, "ТОО «Алма Сервис»", lang)
    reply = say(assistant, sender, "отказали в приёме на работу", lang)
    [payload] = [p for p in payloads(reply) if p.draft]
    assert payload.draft.template == tid and payload.draft.lang == lang
    assert payload.draft.fields["worker_name"] == "Иванова Мария Петровна" and payload.draft.fields["worker_address"] == BLANK
    assert text("drafts.form.ready", lang) in payload.plain_text()

    state = tracker(assistant, sender)
    users = [e["text"] for e in state["events"] if e["event"] == "user"]
    assert "меня зовут [NAME], меня уволили" in users  # masked outside the form
    assert "Иванова Мария Петровна" in users  # kept as typed for the draft, in this conversation only
    assert state["active_loop"] in ({}, None) or not state["active_loop"].get("name")

    files = {f.name.rsplit(".", 1)[1]: f for f in files_for(payload.draft, today=datetime.date(2026, 12, 1))}
    body = " ".join(p.text for p in docx.Document(io.BytesIO(files["docx"].data)).paragraphs)
    assert "Иванова Мария Петровна" in body and "ТОО «Алма Сервис»" in body and BLANK_LINE in body
    pdf = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(files["pdf"].data)).pages)
    assert "Иванова Мария Петровна" in pdf


def test_kk_after_a_self_check_only_what_it_does_not_know_is_asked(assistant: Services) -> None:
    lang, sender, tid = "kk", new_sender("draft-kk"), "claim-outline"
    reply = say(assistant, sender, '/request_draft{"draft_template":"claim-outline"}', lang)
    first = next(t for t in texts(reply) if TEMPLATES[tid].fields["court_name"].label[lang] in t)
    n = int(first.split(" ", 1)[0])  # «{n} сұрақтың 1-сі. …»
    assert first == question(tid, "court_name", lang, 1, n)
    iin = TEMPLATES[tid].fields["worker_iin"].label[lang]
    assert not any(t.startswith(f"{n} сұрақтың") and iin in t for t in texts(reply))  # never asked
    say(assistant, sender, "Алматы қаласының Алмалы аудандық соты", lang)
    say(assistant, sender, "Қасымова Әсел Нұрланқызы", lang)
    reply = say(assistant, sender, "32.13.1990", lang)  # the birth date: impossible, re-asked
    assert text("drafts.form.invalid_date", lang) in texts(reply)
    say(assistant, sender, "05.04.1990", lang)
    reply = say(assistant, sender, "/draft_skip_all", lang)
    [payload] = [p for p in payloads(reply) if p.draft]
    fields = payload.draft.fields
    assert fields["worker_name"] == "Қасымова Әсел Нұрланқызы" and fields["worker_birth_date"] == "1990-04-05"
    assert fields["worker_iin"] == BLANK and fields["demands"] == BLANK
    files = files_for(payload.draft, today=datetime.date(2026, 12, 1), formats=("pdf",))
    pdf = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(files[0].data)).pages)
    assert "Қасымова Әсел Нұрланқызы" in pdf and "05.04.1990" in pdf


def test_stop_forgets_the_values(assistant: Services) -> None:
    lang, sender = "ru", new_sender("draft-stop")
    say(assistant, sender, '/request_draft{"draft_template":"inspection-complaint"}', lang)
    say(assistant, sender, "Петров Пётр Петрович", lang)
    assert tracker(assistant, sender)["slots"]["draft_values"]["worker_name"] == "Петров Пётр Петрович"
    reply = say(assistant, sender, "/selfcheck_stop", lang)
    assert text("drafts.form.stopped", lang) in texts(reply)
    state = tracker(assistant, sender)
    assert state["slots"]["draft_values"] is None and state["slots"]["draft_template"] is None
    assert not (state["active_loop"] or {}).get("name")
    # a name typed now is masked again
    say(assistant, sender, "Петров Пётр Петрович", lang)
    users = [e["text"] for e in tracker(assistant, sender)["events"] if e["event"] == "user"]
    assert users[-1] == "[NAME]"
