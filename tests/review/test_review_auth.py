"""Accounts, login, sessions, CSRF, lock-out and roles, against the real server process."""

from __future__ import annotations

import re

import pytest
import requests
from review_support import ADMIN, REVIEWER, Client, cli
from sqlalchemy import select

from tendik.common.db import make_engine
from tendik.review import tables as t
from tendik.review.settings import ReviewSettings

PAGES = ["/", "/conversations", "/transcript?id=x", "/dashboard", "/admin/users", "/admin/exports", "/admin/export/nlu-ru.yml",
         "/admin/export/unanswered.csv", "/admin/conversations.csv", "/static/charts.js", "/no/such/page"]
POSTS = ["/judge", "/sync", "/logout", "/admin/users", "/admin/users/disable", "/admin/users/password"]


def test_nothing_is_reachable_without_login(review_server):
    for path in PAGES:
        r = requests.get(review_server.base + path, allow_redirects=False, timeout=30)
        assert r.status_code in (302, 401), path
        if r.status_code == 302:
            assert r.headers["Location"].startswith("/login"), path
        assert "Conversation" not in r.text and "rv-" not in r.text, path
    for path in POSTS:
        r = requests.post(review_server.base + path, data={"sender_id": "x"}, allow_redirects=False, timeout=30)
        assert r.status_code == 401, path
    # only the login page and its style sheet are public
    assert requests.get(review_server.base + "/login", timeout=30).status_code == 200
    assert requests.get(review_server.base + "/static/app.css", timeout=30).status_code == 200


def test_login_sets_a_secure_session_cookie_and_logout_ends_it(review_server):
    c = Client(review_server)
    r = c.login(*REVIEWER)
    assert r.status_code == 302 and r.headers["Location"] == "/conversations"
    cookie = r.headers["Set-Cookie"]
    assert "tendik_review=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie.split("tendik_review_login")[0]  # off by default (plain HTTP on 127.0.0.1)
    token = c.http.cookies.get("tendik_review")
    assert c.get("/conversations").status_code == 200
    page = c.get("/conversations")
    assert "Content-Security-Policy" in page.headers and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Cache-Control"] == "no-store"
    # the database keeps a keyed hash of the session token, never the token
    engine = make_engine(review_server.db_url)
    with engine.connect() as conn:
        stored = [r[0] for r in conn.execute(select(t.sessions.c.token_hash))]
    assert stored and token not in stored
    assert c.post("/logout", {}).status_code == 302
    # the old cookie no longer opens anything, even when replayed
    replay = requests.get(review_server.base + "/conversations", cookies={"tendik_review": token}, allow_redirects=False, timeout=30)
    assert replay.status_code == 302 and replay.headers["Location"].startswith("/login")


def test_secure_cookie_flag_is_configurable(start_server, db_copy):
    srv = start_server(db_copy, TENDIK_REVIEW_COOKIE_SECURE="true")
    page = requests.get(srv.base + "/login", timeout=30)
    pre = page.raw.headers.getlist("Set-Cookie")[0]
    assert pre.startswith("tendik_review_login=") and "Secure" in pre and "HttpOnly" in pre
    # a client behind TLS sends the cookie back (requests would not over plain HTTP: send it by hand)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = requests.post(srv.base + "/login", data={"csrf_token": token, "username": REVIEWER[0], "password": REVIEWER[1]},
                      headers={"Cookie": pre.split(";")[0]}, allow_redirects=False, timeout=30)
    assert r.status_code == 302
    session_cookie = [p for p in r.raw.headers.getlist("Set-Cookie") if p.startswith("tendik_review=")][0]
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "SameSite=Strict" in session_cookie


def test_wrong_password_and_unknown_user_get_the_same_answer(review_server):
    c = Client(review_server)
    a = c.login(REVIEWER[0], "wrong password!!")
    b = Client(review_server).login("nobody-here", "wrong password!!")
    assert a.status_code == b.status_code == 401
    assert "Wrong user name or password." in a.text and "Wrong user name or password." in b.text
    assert "tendik_review=" not in a.headers.get("Set-Cookie", "")


def test_lockout_after_repeated_failures(review_server):
    for _ in range(5):
        assert Client(review_server).login(REVIEWER[0], "not the password").status_code == 401
    locked = Client(review_server).login(*REVIEWER)  # the right password, but locked now
    assert locked.status_code == 401 and "locked" in locked.text
    # other accounts are not affected; an admin sees the lock and can lift it by resetting the password
    admin = Client(review_server)
    assert admin.login(*ADMIN).status_code == 302
    assert "locked until" in admin.get("/admin/users").text
    assert admin.post("/admin/users/password", {"username": REVIEWER[0], "password": "a brand new secret 3"}).status_code == 302
    assert Client(review_server).login(REVIEWER[0], "a brand new secret 3").status_code == 302
    assert "locked" in review_server.log() and "not the password" not in review_server.log()


def test_csrf_token_is_required_on_every_form(reviewer, review_data, review_server):
    sender = review_data.senders["ru"]
    page = reviewer.get("/transcript", params={"id": sender})
    event_id = re.search(r'name="turn_event_id" value="(\d+)"', page.text).group(1)
    form = {"sender_id": sender, "turn_event_id": event_id, "verdict": "wrong", "reason": "wrong_topic",
            "right_intent": "ask_equal_pay"}
    # no token, a wrong token, and the right token from another site's page
    assert reviewer.post("/judge", form, csrf=False).status_code == 403
    assert reviewer.post("/judge", {**form, "csrf_token": "forged"}, csrf=False).status_code == 403
    foreign = reviewer.post("/judge", form, headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 403
    assert reviewer.post("/sync", {}, csrf=False).status_code == 403
    assert reviewer.post("/logout", {}, csrf=False).status_code == 403
    engine = make_engine(review_server.db_url)
    with engine.connect() as conn:
        assert conn.execute(select(t.judgements)).first() is None  # nothing was stored
    # the login form is protected too (login CSRF)
    anon = Client(review_server)
    anon.get("/login")
    assert anon.post("/login", {"username": REVIEWER[0], "password": REVIEWER[1]}, csrf=False).status_code == 403
    # and with the token the same judgement goes through
    assert reviewer.post("/judge", form).status_code == 302
    with engine.connect() as conn:
        assert conn.execute(select(t.judgements.c.reviewer)).scalar() == REVIEWER[0]


def test_reviewer_cannot_manage_accounts_or_exports(reviewer):
    for path in ["/admin/users", "/admin/exports", "/admin/export/nlu-ru.yml", "/admin/export/unanswered.csv",
                 "/admin/conversations.csv"]:
        assert reviewer.get(path, allow_redirects=False).status_code == 403, path
    r = reviewer.post("/admin/users", {"username": "sneaky", "password": "long enough secret", "role": "admin"})
    assert r.status_code == 403
    page = reviewer.get("/conversations").text
    assert "/admin/users" not in page and "Export this list as CSV" not in page


def test_admin_manages_accounts(admin, review_server):
    assert admin.post("/admin/users", {"username": "newrev", "password": "short", "role": "reviewer"}).status_code == 302
    assert "newrev" not in admin.get("/admin/users").text  # refused: too short
    admin.post("/admin/users", {"username": "newrev", "password": "long enough secret", "role": "reviewer"})
    assert "newrev" in admin.get("/admin/users").text
    other = Client(review_server)
    assert other.login("newrev", "long enough secret").status_code == 302
    admin.post("/admin/users/disable", {"username": "newrev"})
    # disabling ends the open session at once and blocks new logins
    assert other.get("/conversations", allow_redirects=False).status_code == 302
    assert Client(review_server).login("newrev", "long enough secret").status_code == 401
    admin.post("/admin/users/enable", {"username": "newrev"})
    admin.post("/admin/users/role", {"username": "newrev", "role": "admin"})
    promoted = Client(review_server)
    assert promoted.login("newrev", "long enough secret").status_code == 302
    assert promoted.get("/admin/users").status_code == 200
    # an admin cannot lock themselves out
    assert "cannot disable your own account" in admin.get(
        admin.post("/admin/users/disable", {"username": ADMIN[0]}).headers["Location"]).text


def test_cli_accounts_hash_with_argon2id_and_never_take_passwords_from_argv(db_copy):
    cli(db_copy, "user", "add", "clerk", "--role", "reviewer", stdin="a secret for the clerk\n")
    engine = make_engine(db_copy)
    with engine.connect() as conn:
        h = conn.execute(select(t.users.c.password_hash).where(t.users.c.username == "clerk")).scalar()
    assert h.startswith("$argon2id$") and "a secret for the clerk" not in h
    # a password given as an argument is rejected by the parser
    r = cli(db_copy, "user", "add", "clerk2", "a-password-in-argv", stdin="", check=False)
    assert r.returncode != 0 and "unrecognized arguments" in r.stderr
    assert cli(db_copy, "user", "add", "clerk3", stdin="short\n", check=False).returncode == 2
    assert cli(db_copy, "user", "add", "clerk", stdin="another long secret\n", check=False).returncode == 2  # exists
    listing = cli(db_copy, "user", "list").stdout
    assert "clerk" in listing and "clerk3" not in listing and "$argon2" not in listing
    cli(db_copy, "user", "disable", "clerk")
    assert "disabled" in cli(db_copy, "user", "list").stdout
    cli(db_copy, "user", "passwd", "clerk", stdin="the replacement secret\n")
    cli(db_copy, "user", "role", "clerk", "admin")
    assert re.search(r"clerk\s+admin\s+(?:kk|ru|en)\s+disabled", cli(db_copy, "user", "list").stdout)


def test_bound_to_loopback_by_default(review_server, monkeypatch):
    for k in ("TENDIK_REVIEW_HOST", "TENDIK_REVIEW_PORT"):
        monkeypatch.delenv(k, raising=False)
    settings = ReviewSettings(_env_file=None)
    assert settings.review_host == "127.0.0.1" and settings.review_port == 8090
    # the running server listens on 127.0.0.1 only
    with open("/proc/net/tcp") as f:
        rows = [line.split() for line in f.readlines()[1:]]
    listening = [r[1] for r in rows if r[3] == "0A" and int(r[1].split(":")[1], 16) == review_server.port]
    assert listening == [f"0100007F:{review_server.port:04X}"]


def test_short_secret_is_refused(monkeypatch):
    monkeypatch.setenv("TENDIK_REVIEW_SECRET", "short")
    with pytest.raises(ValueError):
        ReviewSettings(_env_file=None)
