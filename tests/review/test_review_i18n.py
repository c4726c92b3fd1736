"""The review app speaks the operators' language (issue 14 item 6): Kazakh, Russian or English per
account (chosen by an admin or the CLI, changed by the user), every page in it with no English left
in kk/ru pages (but proper names), intents shown as topic names, times in Almaty time with the zone
named. Through the real server on SQLite and PostgreSQL, with the real conversations."""

from __future__ import annotations

import re

import pytest
from review_i18n_support import database_with_conversations, english_words, visible_text
from review_support import ADMIN, Client, cli

from tendik.review.ui_texts import DEFAULT, LANGUAGES, TEXTS, accept_language, local_ts, topic_name, ui

KAZAKH = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
PASSWORD = "a long enough password 7"


def test_every_text_has_all_three_languages_and_kazakh_is_kazakh() -> None:
    for key, entry in TEXTS.items():
        assert set(entry) == set(LANGUAGES) and all(entry[lang].strip() for lang in LANGUAGES), key
        fields = {lang: sorted(re.findall(r"{(\w+)}", entry[lang])) for lang in LANGUAGES}
        assert fields["kk"] == fields["ru"] == fields["en"], key
    kk = [e["kk"] for e in TEXTS.values() if re.search(r"[А-Яа-я]{4,}", e["kk"])]
    with_letters = [x for x in kk if KAZAKH & set(x)]
    assert len(with_letters) >= 0.7 * len(kk), "the Kazakh texts should be Kazakh, not Russian"
    different = sum(e["kk"] != e["ru"] for e in TEXTS.values())
    assert different >= 0.85 * len(TEXTS)


def test_language_helpers() -> None:
    assert accept_language("ru-RU,ru;q=0.9,en;q=0.8") == "ru"
    assert accept_language("de-DE, kk;q=0.5, ru;q=0.4") == "kk"
    assert accept_language("fr") == DEFAULT == accept_language(None)
    # 2025-01-01 00:00 UTC is 05:00 in Almaty (UTC+5 since March 2024)
    assert local_ts(1735689600, "kk") == "2025-01-01 05:00 (Алматы)"
    assert local_ts(1735689600, "en") == "2025-01-01 05:00 (Almaty)"
    assert topic_name("ask_hiring_refusal", "ru") != "ask_hiring_refusal" and "ask_" not in topic_name("ask_hiring_refusal", "kk")
    assert KAZAKH & set(topic_name("ask_pregnant_dismissal", "kk"))
    assert "ask_equal_pay" in topic_name("ask_equal_pay", "en")
    assert ui("msg.not_saved", "ru", msg="x") == "Не сохранено: x"


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, review_data, db_copy, start_server):
    return start_server(database_with_conversations(request, review_data, db_copy))


def login(server, name: str, password: str = PASSWORD) -> Client:
    c = Client(server)
    assert c.login(name, password).status_code == 302
    return c


def test_each_language_renders_every_page(server, review_data) -> None:
    admin = login(server, *ADMIN)
    for lang in ("kk", "ru", "en"):
        r = admin.post("/admin/users", {"username": f"{lang}user", "role": "admin", "password": PASSWORD, "language": lang})
        assert r.status_code == 302
    users = admin.get("/admin/users").text
    for lang in ("kk", "ru", "en"):
        assert re.search(rf'<td>{lang}user</td>\s*<td>[^<]+</td>\s*<td data-language="{lang}">', users)
    sender = review_data.senders["ru"]
    pages = ["/conversations", "/transcript?id=" + sender, "/dashboard", "/learning", "/settings", "/admin/users",
             "/admin/exports", "/admin/content-fixes", "/no-such-page"]
    for lang in ("kk", "ru"):
        c = login(server, f"{lang}user")
        for path in pages:
            page = c.get(path).text
            assert f'<html lang="{lang}">' in page, (lang, path)
            leaks = english_words(page) - {"Inbox"}  # the inbox's link is the inbox helper's (tendik.review.inbox)
            assert not leaks, (lang, path, sorted(leaks))
        listing = c.get("/conversations").text
        assert "(Алматы)" in visible_text(listing) and "UTC" not in visible_text(listing)
        transcript = c.get("/transcript?id=" + sender).text
        assert "ask_" not in visible_text(transcript), "intents are shown as topic names"
        assert ui("nav.conversations", lang) in transcript and ui("tr.save", lang) in transcript
    en = login(server, "enuser").get("/conversations").text
    assert "(Almaty)" in en and "Conversations" in en and 'lang="en"' in en
    # the login page follows the browser
    anon = Client(server)
    assert ui("login.title", "kk") in anon.get("/login", headers={"Accept-Language": "kk-KZ,kk;q=0.9"}).text
    assert ui("login.title", "ru") in anon.get("/login", headers={"Accept-Language": "ru"}).text


def test_the_user_changes_the_language_and_the_cli_sets_it(server) -> None:
    cli(server.db_url, "user", "add", "kazuser", "--role", "reviewer", "--language", "kk", stdin=PASSWORD + "\n")
    c = login(server, "kazuser")
    assert ui("nav.conversations", "kk") in c.get("/conversations").text
    r = c.post("/settings", {"language": "ru"})
    assert r.status_code == 302
    page = c.get(r.headers["Location"]).text
    assert ui("msg.settings_saved", "ru") in page and '<html lang="ru">' in page
    assert c.post("/settings", {"language": "de"}).status_code == 302
    assert '<html lang="ru">' in c.get("/settings").text
    assert "kazuser" in cli(server.db_url, "user", "list").stdout
    cli(server.db_url, "user", "language", "kazuser", "en")
    assert '<html lang="en">' in c.get("/settings").text
    # a reviewer cannot change someone else's language
    assert c.post("/admin/users/language", {"username": ADMIN[0], "language": "kk"}).status_code == 403


def test_messages_are_translated(server, review_data) -> None:
    admin = login(server, *ADMIN)
    admin.post("/admin/users", {"username": "ruuser", "role": "admin", "password": PASSWORD, "language": "ru"})
    c = login(server, "ruuser")
    r = c.post("/admin/users", {"username": "x", "role": "reviewer", "password": PASSWORD, "language": "ru"})
    assert ui("msg.not_done", "ru", msg=ui("account.bad_name", "ru")) in c.get(r.headers["Location"]).text
    r = c.post("/admin/users/disable", {"username": "ruuser"})
    assert ui("account.self_disable", "ru") in c.get(r.headers["Location"]).text
    r = c.post("/sync", {})
    assert "Проиндексировано" in c.get(r.headers["Location"]).text
    assert ui("error.no_conversation", "ru") in c.get("/transcript?id=nobody").text
