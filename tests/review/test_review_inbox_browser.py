"""The operators' inbox in a real browser (Debian's headless Chromium via Playwright): an operator logs
in, finds the waiting case in the queue, opens it (summary and contact), takes it, answers, leaves a
note and closes it; a second operator meanwhile sees the case taken. The user's side is the store
the front ends use (the case opened by tendik.handoff.store.open_case; the replies waiting in
store.undelivered). Screenshots go to test-artifacts/review/inbox-*.png."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from review_support import ARTIFACTS

from tendik.common.db import make_engine
from tendik.db import migrate
from tendik.handoff import store
from tendik.review import auth
from tendik.review.inbox_texts import text

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]
OP1 = ("op-aigerim", "operator secret number 1")
OP2 = ("op-dana", "operator secret number 2")
SUMMARY = {"lang": "ru", "situation": "возраст, отказ в приёме на работу",
           "messages": ["мне отказали в работе, сказали что я слишком старая", "мне 52 года"]}
CONTACT = "aigul.example@mail.kz"
REPLY = "Здравствуйте! Отказ из-за возраста: попросите письменное объяснение причины отказа."
NOTE = "Проверить, был ли письменный отказ"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing (apt-get install chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"inbox-{name}.png"), full_page=True)


def submit(page, selector: str) -> None:
    """Click a form's button and wait for the page the POST redirects to."""
    with page.expect_navigation():
        page.click(selector)


def log_in(page, base: str, account: tuple[str, str], path: str) -> None:
    page.goto(base + path)
    assert page.url.startswith(base + "/login")
    page.fill("input[name=username]", account[0])
    page.fill("input[name=password]", account[1])
    page.click("button[type=submit]")
    page.wait_for_url(base + path)


def test_operator_claims_replies_and_closes_in_chromium(browser, start_server, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    for name, password in (OP1, OP2):
        auth.add_user(engine, name, password, "operator")
    server = start_server(url, accounts=False, TENDIK_HANDOFF_HOURS="always")
    older, _ = store.open_case(engine, sender_id="tg-older", channel="telegram", chat_id=9, language="kk", summary={"lang": "kk"})
    store.claim(engine, older.id, OP2[0])
    case, _ = store.open_case(engine, sender_id="web-br-1", channel="web", language="ru", summary=SUMMARY, contact=CONTACT)
    store.add_user_message(engine, case, "Я могу прислать переписку с отделом кадров")
    base = server.base
    dialogs: list[str] = []
    errors: list[str] = []

    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, base, OP1, "/inbox?lang=ru")
    rows = page.locator("#queue tbody tr")
    assert rows.count() == 2
    assert rows.first.get_attribute("data-case") == case.id and rows.first.get_attribute("data-status") == "waiting"
    assert OP2[0] in rows.nth(1).locator(".operator").inner_text()
    assert "(UTC+05:00)" in rows.first.inner_text()
    assert page.locator("header nav a[href='/inbox']").count() == 1
    shot(page, "01-queue")

    rows.first.locator("a").click()
    page.wait_for_url(f"**/inbox/{case.id}?lang=ru")  # the language chosen on the queue stays
    assert page.locator("#contact").inner_text() == CONTACT
    assert SUMMARY["messages"][0] in page.locator("#summary").inner_text()
    assert "переписку с отделом кадров" in page.locator("#thread").inner_text()
    assert page.locator("#reply-form").count() == 0
    shot(page, "02-case")

    submit(page, "#claim-form button")
    assert page.locator(".flash").inner_text() == text("msg.claimed", "ru")
    assert page.locator("#claim-form").count() == 0
    shot(page, "03-claimed")

    # the other operator sees it taken and cannot take it
    other_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    other = other_ctx.new_page()
    log_in(other, base, OP2, f"/inbox/{case.id}?lang=ru")
    assert other.locator("#claim-form").count() == 0 and other.locator("#reply-form").count() == 0
    assert OP1[0] in other.locator("#claimed-by").inner_text()
    other_ctx.close()

    page.fill("#reply-form textarea[name=text]", REPLY)
    submit(page, "#reply-form button")
    assert page.locator(".flash").inner_text() == text("msg.sent", "ru")
    last = page.locator("#thread article").last
    assert REPLY in last.inner_text() and text("line.pending", "ru") in last.inner_text()
    page.fill("#note-form textarea[name=text]", NOTE)
    submit(page, "#note-form button")
    assert NOTE in page.locator("#notes").inner_text()
    shot(page, "04-replied")

    submit(page, "#close-form button")
    assert page.locator(".flash").inner_text() == text("msg.closed", "ru")
    assert page.locator("#inbox-case").get_attribute("data-status") == "closed"
    assert page.locator("#case-actions form").count() == 0
    shot(page, "05-closed")
    page.click("text=" + text("back", "ru"))
    assert page.locator(f"#queue tbody tr[data-case='{case.id}']").count() == 0
    page.goto(base + "/inbox?show=closed")
    assert page.locator(f"#queue tbody tr[data-case='{case.id}']").count() == 1
    shot(page, "06-closed-list")
    assert dialogs == [] and errors == []
    ctx.close()

    # what the user's front end gets: taken, the reply, closed; never the note
    lines = [line for c, line in store.undelivered(engine, "web") if c.id == case.id]
    assert [(x.kind, x.text) for x in lines] == [("claimed", ""), ("text", REPLY), ("closed", "")]
    assert all(NOTE not in x.text for x in store.user_lines(engine, "web-br-1"))
    assert html.escape(NOTE) not in server.log() and REPLY not in server.log()
    engine.dispose()
