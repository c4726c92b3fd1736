"""The operators' inbox (issue 14) through the real review server, on SQLite and PostgreSQL: the queue
(waiting first, oldest first, who took what, waiting times, Almaty times), a case page (the consented
summary, the contact only when shared, the thread, the notes), two operators racing for one case
(two sessions: one wins, the other is told who), reply (in the thread and waiting for delivery),
close, notes never reaching the user, CSRF, roles (a reviewer is refused), the audit log (every read
and action, no texts) and the server log without anything of a case; the working-hours banner; the
contact a user typed for an operator hidden in the review transcript like the other private answers.

The cases are opened with tendik.handoff.store.open_case, as the front ends do after consent."""

from __future__ import annotations

import datetime
import html
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from review_support import ADMIN, REVIEWER, Client, ReviewServer, cli

from tendik.common.db import make_engine
from tendik.common.events import Event
from tendik.db import migrate
from tendik.handoff import store
from tendik.handoff.hours import DAYS, TIMEZONE
from tendik.review import auth, inbox
from tendik.review.inbox_texts import text
from tendik.review.tracker import HIDDEN_SLOTS, parse_turns, private_words

OPERATORS = {"op-aigerim": "operator secret number 1", "op-dana": "operator secret number 2"}
OP1, OP2 = OPERATORS
SUMMARY = {"lang": "ru", "situation": "беременность, увольнение", "selfcheck": "работаю по трудовому договору",
           "messages": ["меня уволили когда узнали что я беременна", "что мне делать?"]}
CONTACT = "+7 701 555 44 33"
REPLY = "Здравствуйте! Пришлите, пожалуйста, копию приказа об увольнении."
NOTE = "Коллеги: похоже на ст. 54, проверить дату приказа (заметка-7319)"
ROW = re.compile(r'<tr data-case="([0-9a-f]{32})" data-status="(\w+)">(.*?)</tr>', re.S)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'inbox.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    migrate.upgrade(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


def add_accounts(engine, operators: bool = True) -> None:
    """The admin and the reviewer of review_support and the two operators (in-process: quicker than the CLI,
    whose role choice ``test_out_of_hours_banner`` uses)."""
    auth.add_user(engine, ADMIN[0], ADMIN[1], "admin")
    auth.add_user(engine, REVIEWER[0], REVIEWER[1], "reviewer")
    for name, password in OPERATORS.items() if operators else ():
        auth.add_user(engine, name, password, "operator")


@pytest.fixture
def server(start_server, db_url: str, engine) -> ReviewServer:
    add_accounts(engine)
    return start_server(db_url, accounts=False, TENDIK_HANDOFF_HOURS="always")


def login(server: ReviewServer, name: str, password: str | None = None) -> Client:
    client = Client(server)
    assert client.login(name, password or OPERATORS[name]).status_code == 302
    return client


def flash(client: Client, response) -> str:
    """The message shown after a POST's redirect (followed like a browser)."""
    assert response.status_code == 302, response.text[:500]
    page = client.get(response.headers["Location"])
    m = re.search(r'<p class="flash" role="status">(.*?)</p>', page.text, re.S)
    return html.unescape(m.group(1)) if m else ""


def act(client: Client, case_id: str, action: str, lang: str = "ru", **form: str):
    client.get(f"/inbox/{case_id}?lang={lang}")  # the page's CSRF token
    return client.post(f"/inbox/{case_id}/{action}?lang={lang}", form)


def open_case(engine, sender: str, channel: str = "web", ago: float = 0.0, **kw) -> store.Case:
    kw.setdefault("summary", SUMMARY)
    case, created = store.open_case(engine, sender_id=sender, channel=channel, language=kw.pop("language", "ru"),
                                    now=time.time() - ago, **kw)
    assert created
    return case


def audit_actions(engine, case_id: str) -> list[tuple[str, str, str | None]]:
    return [(a["actor"], a["action"], a["detail"]) for a in reversed(store.audit_log(engine, case_id=case_id))]


# ------------------------------------------------------------------ the queue and a case page
def test_queue_order_and_case_page(server, engine) -> None:
    now = time.time()
    a = open_case(engine, "web-a", ago=3600 + 5 * 60, contact=CONTACT)
    b = open_case(engine, "tg-b", channel="telegram", chat_id=55, ago=600, language="kk", summary={"lang": "kk", "messages": []})
    c = open_case(engine, "web-c", ago=7200)
    assert store.claim(engine, c.id, OP2, now=now - 7000)
    d = open_case(engine, "web-d", ago=9000)
    assert store.close(engine, d.id, OP2)

    op = login(server, OP1)
    page = op.get("/inbox?lang=ru")
    assert page.status_code == 200
    rows = ROW.findall(page.text)
    assert [(case_id, status) for case_id, status, _ in rows] == [(a.id, "waiting"), (b.id, "waiting"), (c.id, "claimed")]
    cells = {case_id: html.unescape(re.sub(r"<[^>]+>", " ", body)) for case_id, _, body in rows}
    assert "1 ч 5 мин" in cells[a.id] and "10 мин" in cells[b.id]  # how long they have waited
    assert OP2 in cells[c.id] and "ждал(а) 3 мин" in cells[c.id]  # who took it, after how long
    opened = datetime.datetime.fromtimestamp(a.created_at, TIMEZONE)
    assert f"{opened:%d.%m.%Y %H:%M} (UTC+05:00)" in cells[a.id]  # Asia/Almaty, the zone shown
    assert "да" in cells[a.id] and CONTACT not in page.text  # that a contact was left, not the contact
    assert 'id="count-waiting">2<' in page.text and 'id="count-claimed">1<' in page.text
    assert 'id="out-of-hours"' not in page.text and text("hours.always", "ru") in page.text
    assert 'href="/inbox"' in page.text  # the navigation link
    closed = op.get("/inbox?show=closed&lang=ru")
    assert [case_id for case_id, _, _ in ROW.findall(closed.text)] == [d.id]

    # a case page: the consented summary, the contact (only when shared), the thread
    store.add_user_message(engine, a, "у меня есть приказ, тел 87011234567")
    page = op.get(f"/inbox/{a.id}?lang=ru").text
    for part in (SUMMARY["situation"], SUMMARY["selfcheck"], *SUMMARY["messages"]):
        assert html.escape(part) in page
    assert f'<p id="contact" class="utterance">{html.escape(CONTACT)}</p>' in page
    assert "у меня есть приказ" in page and "87011234567" not in page  # the user's line, redacted by the store
    assert 'id="claim-form"' in page and 'id="reply-form"' not in page  # nobody took it yet
    page_b = op.get(f"/inbox/{b.id}?lang=kk").text
    assert 'id="contact"' not in page_b and text("case.nothing", "kk") in page_b and text("title", "kk") in page_b
    assert audit_actions(engine, a.id) == [(OP1, "read", None)]
    assert audit_actions(engine, b.id) == [(OP1, "read", None)]

    # the language switch: English on request
    assert text("case.summary", "en") in op.get(f"/inbox/{a.id}?lang=en").text
    # an unknown case, a malformed id
    assert op.get("/inbox/" + "0" * 32).status_code == 404
    assert op.get("/inbox/not-a-case").status_code == 404


# ------------------------------------------------------------------ two operators, one case
def test_two_operators_claim_the_same_case(server, engine) -> None:
    cases = [open_case(engine, f"web-race-{i}", ago=60 - i) for i in range(4)]
    clients = {name: login(server, name) for name in OPERATORS}
    for case in cases:
        barrier = threading.Barrier(2)
        responses: dict[str, object] = {}

        def claim(name: str, case_id: str = case.id, barrier: threading.Barrier = barrier, responses: dict = responses) -> None:
            barrier.wait()
            responses[name] = clients[name].post(f"/inbox/{case_id}/claim?lang=ru", {})

        threads = [threading.Thread(target=claim, args=(name,)) for name in OPERATORS]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        winner = store.get(engine, case.id).claimed_by
        assert winner in OPERATORS
        loser = OP2 if winner == OP1 else OP1
        assert flash(clients[winner], responses[winner]) == text("msg.claimed", "ru")
        assert flash(clients[loser], responses[loser]) == text("msg.taken", "ru", name=winner)
        actions = [a for a in audit_actions(engine, case.id) if a[1] != "read"]
        assert sorted(actions) == sorted([(winner, "claim", None), (loser, "claim_refused", "taken")]), actions
        lines = store.thread(engine, case.id)
        assert [(x.kind, x.operator) for x in lines] == [("claimed", winner)]  # one "operator joined" for the user
        # the loser's page: taken by the winner, no claim or reply form
        page = clients[loser].get(f"/inbox/{case.id}?lang=ru").text
        assert 'id="claim-form"' not in page and 'id="reply-form"' not in page and winner in page


# ------------------------------------------------------------------ reply, delivery, close
def test_reply_and_close(server, engine) -> None:
    case = open_case(engine, "tg-reply", channel="telegram", chat_id=77)
    op1, op2 = login(server, OP1), login(server, OP2)
    assert flash(op1, act(op1, case.id, "reply", text="слишком рано")) == text("msg.claim_first", "ru")
    assert flash(op1, act(op1, case.id, "claim")) == text("msg.claimed", "ru")
    assert flash(op2, act(op2, case.id, "reply", text="я тоже отвечу")) == text("msg.not_yours", "ru", name=OP1)
    assert flash(op1, act(op1, case.id, "reply", text="   ")) == text("msg.empty", "ru")
    assert flash(op1, act(op1, case.id, "reply", text=REPLY)) == text("msg.sent", "ru")

    lines = store.thread(engine, case.id)
    assert [(x.author, x.kind, x.operator, x.text) for x in lines] == [("system", "claimed", OP1, ""), ("operator", "text", OP1, REPLY)]
    pending = store.undelivered(engine, "telegram")
    assert [(c.id, x.kind, x.text) for c, x in pending] == [(case.id, "claimed", ""), (case.id, "text", REPLY)]
    assert pending[0][0].chat_id == 77 and store.undelivered(engine, "web") == []
    page = op1.get(f"/inbox/{case.id}?lang=ru").text
    assert html.escape(REPLY) in page and page.count(text("line.pending", "ru")) == 2
    for _, line in pending:
        assert store.take_for_delivery(engine, line.id)
    assert op1.get(f"/inbox/{case.id}?lang=ru").text.count(text("line.delivered", "ru")) == 2

    # closing: not by another operator, then by the one who took it
    assert flash(op2, act(op2, case.id, "close")) == text("msg.not_yours", "ru", name=OP1)
    assert store.get(engine, case.id).status == store.CLAIMED
    assert flash(op1, act(op1, case.id, "close")) == text("msg.closed", "ru")
    assert store.get(engine, case.id).status == store.CLOSED and store.open_case_for(engine, "tg-reply") is None
    assert [(x.kind, x.operator) for _, x in store.undelivered(engine, "telegram")] == [("closed", OP1)]
    assert flash(op1, act(op1, case.id, "reply", text="ещё одно")) == text("msg.not_open", "ru")
    assert flash(op1, act(op1, case.id, "close")) == text("msg.not_open", "ru")
    page = op1.get(f"/inbox/{case.id}?lang=ru").text
    assert not any(f'id="{f}"' in page for f in ("claim-form", "reply-form", "close-form"))
    assert text("case.closed_by", "ru", name=OP1, when="")[:-1] in page

    # an administrator may close a case another operator took
    other = open_case(engine, "web-admin-close")
    assert store.claim(engine, other.id, OP2)
    admin = login(server, ADMIN[0], ADMIN[1])
    assert flash(admin, act(admin, other.id, "close")) == text("msg.closed", "ru")
    assert store.get(engine, other.id).closed_by == ADMIN[0]

    assert [a for _, a, _ in audit_actions(engine, case.id) if a != "read"] == [
        "reply_refused", "claim", "reply_refused", "reply_refused", "reply", "close_refused", "close", "reply_refused", "close_refused"]
    assert (OP1, "reply", f"{len(REPLY)} characters") in audit_actions(engine, case.id)


# ------------------------------------------------------------------ notes stay among operators
def test_notes_never_reach_the_user(server, engine) -> None:
    case = open_case(engine, "web-notes", contact=CONTACT)
    op1, op2 = login(server, OP1), login(server, OP2)
    assert flash(op1, act(op1, case.id, "note", text=NOTE)) == text("msg.note_added", "ru")  # before anyone took it
    assert flash(op1, act(op1, case.id, "note", text=" ")) == text("msg.empty_note", "ru")
    assert flash(op1, act(op1, case.id, "claim")) == text("msg.claimed", "ru")
    assert flash(op1, act(op1, case.id, "reply", text=REPLY)) == text("msg.sent", "ru")
    assert [n["text"] for n in store.notes_for(engine, case.id)] == [NOTE]
    assert html.escape(NOTE) in op2.get(f"/inbox/{case.id}?lang=ru").text  # the other operator sees it

    # nothing the user can be sent holds it: the thread, the widget's lines, the bot's delivery queue
    assert all("7319" not in line.text for line in store.thread(engine, case.id))
    assert all("7319" not in line.text for line in store.user_lines(engine, "web-notes"))
    assert all("7319" not in line.text for _, line in store.undelivered(engine, "web"))
    assert [x.kind for x in store.user_lines(engine, "web-notes")] == ["claimed", "text"]
    # nor the audit log (a note is logged as a note, without its text)
    assert all("-7319" not in str(a["detail"]) for a in store.audit_log(engine))
    assert (OP1, "note", None) in audit_actions(engine, case.id)


# ------------------------------------------------------------------ CSRF, roles, the audit log
def test_csrf_roles_and_audit(server, engine) -> None:
    case = open_case(engine, "web-guard", contact=CONTACT)
    op = login(server, OP1)
    op.get(f"/inbox/{case.id}")
    # a POST without the token, with a wrong one, from another site: refused, nothing done
    assert op.post(f"/inbox/{case.id}/claim", {}, csrf=False).status_code == 403
    assert op.post(f"/inbox/{case.id}/claim", {"csrf_token": "x" * 40}, csrf=False).status_code == 403
    assert op.post(f"/inbox/{case.id}/claim", {}, headers={"Origin": "https://evil.example"}).status_code == 403
    assert store.get(engine, case.id).status == store.WAITING
    # logged out: the login page or 401
    anon = Client(server)
    assert anon.get("/inbox", allow_redirects=False).status_code == 302
    assert anon.post(f"/inbox/{case.id}/claim", {}, csrf=False).status_code == 401

    # a reviewer: no link, no queue, no case, no action, no audit log
    rv = login(server, REVIEWER[0], REVIEWER[1])
    assert 'href="/inbox"' not in rv.get("/conversations").text
    for path in ("/inbox", f"/inbox/{case.id}", "/admin/audit"):
        r = rv.get(path + "?lang=ru")
        assert r.status_code == 403, path
        assert SUMMARY["situation"] not in r.text and CONTACT not in r.text
    assert text("forbidden", "ru") in rv.get("/inbox?lang=ru").text
    rv.get("/conversations")
    assert rv.post(f"/inbox/{case.id}/claim", {}).status_code == 403
    assert store.get(engine, case.id).status == store.WAITING
    assert op.get("/admin/audit").status_code == 403  # operators do not read the audit log

    # the audit log: every read and action, refused ones too, no texts
    assert flash(op, act(op, case.id, "claim")) == text("msg.claimed", "ru")
    assert flash(op, act(op, case.id, "note", text=NOTE)) == text("msg.note_added", "ru")
    assert flash(op, act(op, case.id, "reply", text=REPLY)) == text("msg.sent", "ru")
    assert flash(op, act(op, case.id, "close")) == text("msg.closed", "ru")
    assert flash(op, act(op, case.id, "claim")) == text("msg.not_waiting", "ru", status=text("status.closed", "ru"))
    expected = ["read", "read", "claim", "read", "read", "note", "read", "read", "reply", "read", "read", "close", "read", "read",
                "claim_refused", "read"]
    assert [a for actor, a, _ in audit_actions(engine, case.id) if actor == OP1] == expected
    assert not [a for a in store.audit_log(engine) if a["actor"] == REVIEWER[0]]
    admin = login(server, ADMIN[0], ADMIN[1])
    page = admin.get(f"/admin/audit?case={case.id}&lang=en")
    assert page.status_code == 200
    listed = re.findall(r'<tr data-action="(\w+)">', page.text)
    assert listed == list(reversed(expected)) and OP1 in page.text
    everything = admin.get("/admin/audit").text
    for secret in (NOTE, REPLY, CONTACT, SUMMARY["situation"], *SUMMARY["messages"]):
        assert html.escape(secret) not in everything and secret not in everything
    assert any(a["action"] == "audit_read" and a["actor"] == ADMIN[0] for a in store.audit_log(engine))
    assert 'href="/inbox"' in admin.get("/conversations").text

    # the server's log names cases and accounts, never anything of a case
    log = server.log()
    assert f"claim of case {case.id[:8]}" in log
    # ("-7319": the note's marker, not the 4 digits alone, which a random hex case id may contain)
    for secret in (NOTE, REPLY, CONTACT, "-7319", "Пришлите", "беременна", SUMMARY["situation"]):
        assert secret not in log, secret


# ------------------------------------------------------------------ working hours
def test_out_of_hours_banner(start_server, db_url) -> None:
    today = datetime.datetime.now(TIMEZONE)
    day = DAYS[(today.weekday() + 3) % 7]  # open only on a day three days from now
    cli(db_url, "user", "add", OP1, "--role", "operator", stdin=OPERATORS[OP1] + "\n")  # the CLI knows the role
    srv = start_server(db_url, accounts=False, TENDIK_HANDOFF_HOURS=f"{day} 09:00-18:00")
    page = login(srv, OP1).get("/inbox?lang=ru").text
    back = datetime.datetime.combine((today + datetime.timedelta(days=3)).date(), datetime.time(9), TIMEZONE)
    when = inbox.local_time(back.timestamp())
    assert when.endswith("09:00 (UTC+05:00)")
    assert f'<p class="flash warn" id="out-of-hours" role="status">{html.escape(text("hours.closed", "ru", when=when))}</p>' in page
    assert text("hours", "ru", spec=f"{day} 09:00-18:00") in page


# ------------------------------------------------------------------ the contact typed for an operator
def test_contact_answer_hidden_in_review_transcripts() -> None:
    """A message answering the handoff form's contact question is hidden like a draft answer, and
    the contact is masked wherever the bot repeats it."""
    n = iter(range(1, 100))

    def ev(kind: str, **data) -> Event:
        return Event(next(n), "web-x", kind, 1000.0, data.get("intent"), data.get("name") if kind == "action" else None,
                     {"event": kind, **data})

    evs = [
        ev("user", text="хочу поговорить с юристом", parse_data={"intent": {"name": "request_human", "confidence": 0.99}}),
        ev("action", name="action_handoff_offer"),
        ev("user", text='/handoff_consent{"handoff_share":"contact"}', parse_data={"intent": {"name": "handoff_consent", "confidence": 1.0}}),
        ev("action", name="handoff_form"),
        ev("active_loop", name="handoff_form"),
        ev("slot", name="requested_slot", value="handoff_contact"),
        ev("bot", text="Оставьте телефон или e-mail"),
        ev("user", text=CONTACT, parse_data={"intent": {"name": "nlu_fallback", "confidence": 0.3}}),
        ev("action", name="handoff_form"),
        ev("slot", name="handoff_contact", value=CONTACT),
        ev("active_loop", name=None),
        ev("slot", name="requested_slot", value=None),
        ev("bot", text=f"Передаю ваш вопрос человеку. Контакт: {CONTACT}"),
        ev("user", text="спасибо", parse_data={"intent": {"name": "thanks", "confidence": 0.9}}),
    ]
    turns = parse_turns(evs)
    assert [t.hidden for t in turns] == [None, None, "value", None]
    assert "handoff_contact" in HIDDEN_SLOTS
    assert CONTACT in private_words(evs).typed


# ------------------------------------------------------------------ end to end with the real assistant
def test_e2e_a_real_handoff_in_the_inbox_and_the_transcript(assistant, start_server, tmp_path: Path) -> None:
    """A real conversation (Rasa with the trained handoff rules and form): the user asks for a person and
    leaves a phone number; the case is opened from the reply's handoff order as the front ends do. The
    inbox shows the contact; the review transcript, list and search never show it."""
    import sqlite3
    import uuid

    from review_support import answer_of, say

    from tendik.payload import HandoffOrder
    from tendik.texts import text as catalog

    sender = f"rv-handoff-{uuid.uuid4().hex[:8]}"
    say(assistant.rest_url, sender, "меня уволили из-за беременности", "ru", "web")
    say(assistant.rest_url, sender, "хочу поговорить с юристом", "ru", "web")
    say(assistant.rest_url, sender, '/handoff_consent{"handoff_share":"contact"}', "ru", "web")
    order = HandoffOrder.from_dict((answer_of(say(assistant.rest_url, sender, CONTACT, "ru", "web")) or {}).get("handoff"))
    assert order is not None and order.contact == CONTACT

    copy = tmp_path / "tracker.db"
    src, dst = sqlite3.connect(assistant.db_url.removeprefix("sqlite:///")), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    url = f"sqlite:///{copy}"
    migrate.upgrade(url)
    engine = make_engine(url)
    case, _ = store.open_case(engine, sender_id=sender, channel="web", language="ru", summary=order.summary, contact=order.contact)
    add_accounts(engine)
    server = start_server(url, accounts=False, TENDIK_HANDOFF_HOURS="always")
    op = login(server, OP1)
    page = op.get(f"/inbox/{case.id}?lang=ru").text
    assert f'<p id="contact" class="utterance">{html.escape(CONTACT)}</p>' in page and "беременност" in page

    admin = login(server, ADMIN[0], ADMIN[1])
    transcript = admin.get("/transcript", params={"id": sender}).text
    assert "555 44 33" not in transcript, "the contact typed for an operator is shown in the review transcript"
    assert html.escape(catalog("review.hidden.value", "ru")) in transcript
    assert sender in admin.get("/conversations").text and sender not in admin.get("/conversations", params={"q": "555"}).text
    engine.dispose()


def test_an_operator_sees_handed_off_cases_only(server: ReviewServer, engine) -> None:
    """Issue 14 item 5: an operator sees only handoffs; the bot's conversations, the dashboard, the
    exports and the admin pages are refused (the start page leads to the inbox)."""
    store.open_case(engine, sender_id="web-scope", channel="web", language="ru", summary=SUMMARY)
    client = login(server, OP1)
    start = client.get("/", allow_redirects=False)
    assert start.status_code == 302
    assert client.get("/").url.endswith("/inbox") and client.get("/inbox").status_code == 200
    for path in ("/transcript?id=x", "/dashboard", "/learning", "/admin/exports", "/admin/audit", "/admin/users"):
        assert client.get(path, allow_redirects=False).status_code in (302, 403), path
        assert client.get(path).url.endswith(("/inbox", path)), path
    assert client.get("/dashboard").status_code == 403
    assert client.post("/judge", {"id": "x", "verdict": "correct"}).status_code == 403
    reviewer = Client(server)
    assert reviewer.login(*REVIEWER).status_code == 302 and reviewer.get("/dashboard").status_code == 200
