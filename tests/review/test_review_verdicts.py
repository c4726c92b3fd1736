"""Richer verdicts (issue 14 item 7): a reason code required for "wrong", the "harmful / needs a
content fix" flag, the admins' content-fix list, the dashboard's share of each, the reason codes in
the exports. Through the real server on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re

import pytest
from review_i18n_support import database_with_conversations
from review_support import ADMIN, REVIEWER, Client, cli
from sqlalchemy import select

from tendik.common.db import make_engine
from tendik.review import tables as t
from tendik.review.judgements import REASONS, verdict_stats
from tendik.review.ui_texts import ui


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, review_data, db_copy, start_server):
    return start_server(database_with_conversations(request, review_data, db_copy))


def turns(client: Client, sender: str) -> list[str]:
    return re.findall(r'name="turn_event_id" value="(\d+)"', client.get("/transcript", params={"id": sender}).text)


def judge(client: Client, sender: str, turn: str, verdict: str, reason: str = "", fix: bool = False) -> str:
    data = [("sender_id", sender), ("turn_event_id", turn), ("verdict", verdict), ("reason", reason)]
    data += [("content_fix", "1")] if fix else []
    r = client.post("/judge", data)
    assert r.status_code == 302
    return client.get(r.headers["Location"]).text


def stored(db_url: str) -> dict[tuple[str, int], tuple]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            j = t.judgements.c
            return {(r.sender_id, r.turn_event_id): (r.verdict, r.reason, r.content_fix)
                    for r in conn.execute(select(j.sender_id, j.turn_event_id, j.verdict, j.reason, j.content_fix))}
    finally:
        engine.dispose()


def test_reasons_flags_dashboard_fix_list_and_exports(server, review_data) -> None:
    reviewer = Client(server)
    assert reviewer.login(*REVIEWER).status_code == 302
    admin = Client(server)
    assert admin.login(*ADMIN).status_code == 302
    s = review_data.senders
    ru, kk = turns(reviewer, s["ru"]), turns(reviewer, s["kk"])

    # "wrong" needs a reason; an unknown one is refused; nothing stored
    assert "Not saved: a wrong answer needs a reason" in judge(reviewer, s["ru"], ru[0], "wrong")
    assert "Not saved: unknown reason" in judge(reviewer, s["ru"], ru[0], "wrong", "boring")
    assert stored(server.db_url) == {}
    # the form offers every reason
    page = reviewer.get("/transcript", params={"id": s["ru"]}).text
    assert all(f'<option value="{r}"' in page for r in REASONS) and 'name="content_fix"' in page

    assert "Saved." in judge(reviewer, s["ru"], ru[0], "wrong", "outdated_law", fix=True)
    assert "Saved." in judge(reviewer, s["kk"], kk[0], "wrong", "harmful")  # harmful is always a content fix
    assert "Saved." in judge(reviewer, s["ru"], ru[1], "wrong", "wrong_topic")
    assert "Saved." in judge(reviewer, s["kk"], kk[1], "correct", "unclear")  # a correct verdict keeps no reason
    saved = stored(server.db_url)
    assert saved[(s["ru"], int(ru[0]))] == ("wrong", "outdated_law", True)
    assert saved[(s["kk"], int(kk[0]))] == ("wrong", "harmful", True)
    assert saved[(s["ru"], int(ru[1]))] == ("wrong", "wrong_topic", False)
    assert saved[(s["kk"], int(kk[1]))] == ("correct", None, False)
    legend = reviewer.get("/transcript", params={"id": s["ru"]}).text
    assert 'data-reason="outdated_law"' in legend and 'data-content-fix="1"' in legend

    # counted: the stats and the dashboard's table
    engine = make_engine(server.db_url)
    try:
        stats = verdict_stats(engine)
    finally:
        engine.dispose()
    counts = {r["reason"]: r["count"] for r in stats["reasons"]}
    assert (stats["total"], stats["wrong"], stats["content_fix"]) == (4, 3, 2)
    assert counts == {"wrong_topic": 1, "wrong_norm": 0, "outdated_law": 1, "wrong_language": 0, "harmful": 1, "unclear": 0}
    dash = admin.get("/dashboard").text
    row = re.search(r'<tr data-reason="outdated_law"><td>[^<]+</td><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td>', dash)
    assert row and row.groups() == ("1", "33%", "25%")
    assert re.search(r'<tr data-reason="content_fix"><td>[^<]+</td><td>2</td><td>–</td><td>50%</td>', dash)
    assert 'id="kpi-fix">50%<' in dash and 'id="kpi-wrong">75%<' in dash

    # the content-fix list: admins only; mark fixed, put back
    assert reviewer.get("/admin/content-fixes").status_code == 403
    fixes = admin.get("/admin/content-fixes").text
    open_part = fixes.split('id="fixes-done"')[0]
    ids = re.findall(r'<tr data-judgement="(\d+)" data-reason="(\w+)"', open_part)
    assert sorted(r for _, r in ids) == ["harmful", "outdated_law"]
    target = next(i for i, r in ids if r == "harmful")
    r = admin.post("/admin/content-fixes", {"id": target, "action": "done"})
    page = admin.get(r.headers["Location"]).text
    assert "Marked as fixed." in page
    open_part, done_part = page.split('id="fixes-done"')
    assert f'data-judgement="{target}"' in done_part and f'data-judgement="{target}"' not in open_part
    assert ADMIN[0] in done_part
    r = admin.post("/admin/content-fixes", {"id": target, "action": "reopen"})
    assert f'data-judgement="{target}"' in admin.get(r.headers["Location"]).text.split('id="fixes-done"')[0]
    r = admin.post("/admin/content-fixes", {"id": "999999", "action": "done"})
    assert "Not done" in admin.get(r.headers["Location"]).text

    # exports carry the reason codes (web and CLI), no user text
    body = admin.get("/admin/export/verdicts.csv").text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert sorted((x["verdict"], x["reason"], x["content_fix"]) for x in rows) == [
        ("correct", "", "0"), ("wrong", "harmful", "1"), ("wrong", "outdated_law", "1"), ("wrong", "wrong_topic", "0")]
    assert all(x["conversation"].startswith("conv-") for x in rows) and s["ru"] not in body
    assert "tendik-verdicts.csv" in admin.get("/admin/exports").text
    out = server.log_path.parent / "exports"
    cli(server.db_url, "export", "verdicts", "--out", str(out))
    assert (out / "verdicts.csv").read_text() == body

    # in Russian: the reasons and the list speak Russian
    admin.post("/admin/users/language", {"username": ADMIN[0], "language": "ru"})
    fixes_ru = admin.get("/admin/content-fixes").text
    assert ui("reason.outdated_law", "ru") in fixes_ru and ui("fixes.title", "ru") in fixes_ru
    assert ui("judge.reason_required", "ru") in judge(admin, s["ru"], ru[0], "wrong")
