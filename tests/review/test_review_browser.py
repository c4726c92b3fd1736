"""The operator's path in a real browser (Debian's headless Chromium via Playwright, no browser
download): log in, filter to "not helpful", open the transcript, mark a wrong answer with the
right intent, export the NLU file and check that Rasa loads it; also escaping as the browser sees
it, the dashboard's charts, the CSV download and logout. Screenshots go to test-artifacts/review/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from review_support import ADMIN, ARTIFACTS, XSS_TEXT, rasa_load

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]


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
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_operator_flow_in_chromium(browser, review_server, review_data, tmp_path):
    dialogs: list[str] = []
    errors: list[str] = []
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = review_server.base

    # every page sends an unauthenticated visitor to the login form
    page.goto(base + "/dashboard")
    assert page.url.startswith(base + "/login")
    page.fill("input[name=username]", ADMIN[0])
    page.fill("input[name=password]", "wrong password here")
    page.click("button[type=submit]")
    assert page.locator(".error").inner_text() == "Wrong user name or password."
    page.fill("input[name=username]", ADMIN[0])
    page.fill("input[name=password]", ADMIN[1])
    shot(page, "01-login")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/dashboard")  # back where the visitor wanted to go
    page.wait_for_selector(".chart[data-drawn] svg")
    assert page.locator(".chart svg").count() >= 4  # drawn by the project's own charts.js
    assert page.locator(".chart svg rect").count() > 0
    shot(page, "02-dashboard")

    # the list, filtered to "not helpful"
    page.click("text=Conversations")
    assert page.locator("#conversations tbody tr").count() == len(review_data.senders)
    page.check("input[name=not_helpful]")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**not_helpful=1**")
    rows = page.locator("#conversations tbody tr")
    assert rows.count() == 1
    assert "not helpful" in rows.first.inner_text() and "telegram" in rows.first.inner_text()
    shot(page, "03-list-not-helpful")

    # the transcript
    rows.first.locator("a").first.click()
    page.wait_for_url("**/transcript?id=**")
    assert page.locator(".vote").first.inner_text() == "vote: not helpful"
    first = page.locator("article.turn").first
    assert "ask_pregnant_dismissal" in first.inner_text()
    for kid in review_data.answers["kk"]["knowledge_ids"]:
        assert kid in first.locator("dl.answer").inner_text()
    shot(page, "04-transcript")

    # mark the answer wrong, with the right intent and knowledge id
    form = first.locator("form.judge")
    form.locator("input[value=wrong]").check()
    form.locator("select[name=reason]").select_option("wrong_topic")  # required for "wrong"
    form.locator("select[name=right_intent]").select_option("ask_hiring_refusal")
    form.locator("select[name=knowledge_ids]").select_option(["exp-hiring-refusal"])
    form.locator("textarea[name=comment]").fill("Вопрос о приёме на работу, не об увольнении")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".flash")
    assert page.locator(".flash").inner_text() == "Saved."
    first = page.locator("article.turn").first
    assert "wrong" in first.locator("legend").inner_text() and ADMIN[0] in first.locator("legend").inner_text()
    assert first.locator("select[name=right_intent]").input_value() == "ask_hiring_refusal"
    shot(page, "05-judged")

    # the list now shows it as reviewed
    page.goto(base + "/conversations?reviewed=yes")
    assert page.locator("#conversations tbody tr").count() == 1

    # export the NLU training data and check Rasa loads it
    page.click("text=Exports")
    shot(page, "06-exports")
    with page.expect_download() as dl:
        page.click("text=tendik-nlu-kk.yml")
    target = tmp_path / "nlu" / "kk" / "review_corrections.yml"
    target.parent.mkdir(parents=True)
    dl.value.save_as(target)
    (ARTIFACTS / "exported-nlu-kk.yml").write_bytes(target.read_bytes())
    loaded = rasa_load([target])
    examples = next(iter(loaded["nlu"].values()))
    assert ["ask_hiring_refusal", "жүкті болғаным үшін жұмыстан шығарды"] in examples

    # the list as CSV, with the filters of the page
    page.goto(base + "/conversations?channel=telegram")
    with page.expect_download() as dl:
        page.click("#csv-export")
    rows_csv = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text())))
    assert len(rows_csv) == 2

    # a message with a script tag and HTML is shown as text, and runs nothing
    page.goto(base + "/transcript?id=" + review_data.senders["xss"])
    assert page.locator(".utterance").first.inner_text() == XSS_TEXT
    assert page.locator(".utterance b").count() == 0 and page.locator(".utterance img").count() == 0
    shot(page, "07-escaped")
    page.goto(base + "/conversations")
    assert XSS_TEXT[:30] in page.locator("#conversations").inner_text()
    assert dialogs == [] and errors == []

    # log out: the pages are closed again
    page.click("header .logout button")
    page.wait_for_url("**/login")
    page.goto(base + "/conversations")
    assert page.url.startswith(base + "/login")
    ctx.close()
