"""The list view (every filter, search, keyset pagination, CSV), the transcript view, escaping of
user text and masking of personal data, against the real server and real conversations."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

from review_support import RAW_PII_TEXT, XSS_TEXT, Client
from sqlalchemy import select

from tendik.common.db import make_engine
from tendik.review import tables as t
from tendik.review.tracker import read_turns

LINK = re.compile(r'href="/transcript\?id=([^"&]+)"')


def listed(client: Client, **params) -> set[str]:
    """Sender ids on the first page of the list with these filters."""
    from urllib.parse import unquote_plus

    r = client.get("/conversations", params=params)
    assert r.status_code == 200
    return {unquote_plus(html.unescape(m)) for m in LINK.findall(r.text)}


def test_filters(reviewer, review_data, review_server):
    s = review_data.senders
    everyone = set(s.values())
    assert listed(reviewer) == everyone
    assert listed(reviewer, channel="telegram") == {s["kk"], s["tg"]}
    assert listed(reviewer, language="kk") == {s["kk"], s["xss"]}
    assert listed(reviewer, not_helpful="1") == {s["kk"]}
    assert listed(reviewer, intent="ask_pregnant_dismissal") == {s["ru"], s["kk"], s["raw"]}
    fallback = listed(reviewer, fallback="1")
    assert s["unsure"] in fallback and not fallback & {s["ru"], s["kk"], s["tg"]}
    assert listed(reviewer, channel="telegram", language="ru") == {s["tg"]}  # filters combine
    # "lowest NLU confidence below": compared with the confidences the reader finds in the tracker
    engine = make_engine(review_data.db_url)
    with engine.connect() as conn:
        lowest = {}
        for sender in everyone:
            confs = [x.confidence for x in read_turns(conn, sender) if x.user_event_id and x.confidence is not None and not x.is_payload]
            lowest[sender] = min(confs) if confs else None
    for threshold in (0.5, 0.9, 0.999):
        expected = {sid for sid, low in lowest.items() if low is not None and low < threshold}
        assert listed(reviewer, max_confidence=str(threshold)) == expected, threshold
    # date range (UTC days)
    today = datetime.now(UTC).date()
    assert listed(reviewer, date_from=today.isoformat(), date_to=today.isoformat()) == everyone
    assert listed(reviewer, date_from=(today + timedelta(days=1)).isoformat()) == set()
    assert listed(reviewer, date_to=(today - timedelta(days=1)).isoformat()) == set()
    # reviewed / not reviewed
    sender = s["ru"]
    page = reviewer.get("/transcript", params={"id": sender}).text
    event_id = re.search(r'name="turn_event_id" value="(\d+)"', page).group(1)
    assert reviewer.post("/judge", {"sender_id": sender, "turn_event_id": event_id, "verdict": "correct"}).status_code == 302
    assert listed(reviewer, reviewed="yes") == {sender}
    assert listed(reviewer, reviewed="no") == everyone - {sender}
    # bad values are ignored and reported, never an error page
    r = reviewer.get("/conversations", params={"max_confidence": "abc", "date_from": "yesterday", "intent": "<x>"})
    assert r.status_code == 200 and "Ignored invalid filter values" in r.text


def test_full_text_search(reviewer, review_data):
    s = review_data.senders
    assert listed(reviewer, q="беременности") == {s["ru"]}
    assert listed(reviewer, q="УВОЛИЛИ беременности") == {s["ru"]}  # every word, any case
    assert listed(reviewer, q="уволили погода") == set()
    # Kazakh typed without Kazakh letters finds Kazakh text (folded like the NLU input)
    assert listed(reviewer, q="жукти жумыстан") == {s["kk"]}
    # masked personal data is not searchable
    assert listed(reviewer, q="900101300123") == set()
    assert listed(reviewer, q="ivan.petrov") == set()


def test_keyset_pagination_walks_every_conversation_once(start_server, db_copy, review_data):
    srv = start_server(db_copy, TENDIK_REVIEW_PAGE_SIZE="2")
    c = Client(srv)
    from review_support import REVIEWER

    c.login(*REVIEWER)
    seen: list[str] = []
    pages = []
    url = "/conversations"
    while url:
        r = c.get(url)
        ids = [html.unescape(m) for m in LINK.findall(r.text)]
        assert 1 <= len(ids) <= 2
        pages.append((url, ids))
        seen += ids
        nxt = re.search(r'href="([^"]+)" rel="next"', r.text)
        url = html.unescape(nxt.group(1)) if nxt else None
    assert len(seen) == len(set(seen)) == len(review_data.senders)
    # "newer" from the last page leads back to the page before it
    last = c.get(pages[-1][0]).text
    prev = html.unescape(re.search(r'href="([^"]+)" rel="prev"', last).group(1))
    assert [html.unescape(m) for m in LINK.findall(c.get(prev).text)] == pages[-2][1]
    # pagination keeps the filters
    walked, url = [], "/conversations?language=ru"
    while url:
        r = c.get(url)
        walked += LINK.findall(r.text)
        nxt = re.search(r'href="([^"]+)" rel="next"', r.text)
        url = html.unescape(nxt.group(1)) if nxt else None
        assert url is None or "language=ru" in url
    assert len(walked) == 5


def test_transcript_shows_intents_confidence_actions_knowledge_scores_and_votes(reviewer, review_data):
    s, answers = review_data.senders, review_data.answers
    page = reviewer.get("/transcript", params={"id": s["ru"]}).text
    assert "ask_pregnant_dismissal" in page and "action_answer" in page and "thanks" in page
    assert re.search(r'title="NLU confidence">0\.\d{3}<', page)
    for kid in answers["ru"]["knowledge_ids"]:
        assert f"<code>{kid}</code>" in page
    for cit in answers["ru"]["citations"]:
        assert html.escape(cit["citation"]) in page
    assert answers["ru"]["answer_id"] in page
    for key in answers["ru"].get("scores") or {}:  # intent_confidence for a topic, document ids for retrieval
        assert f"<code>{html.escape(key)}</code>=" in page
    assert f"source: {answers['ru']['source']}" in page and answers["ru"]["source"] in ("intent", "situation")
    # the answer rendered from its payload: each quoted norm under its citation and edition
    quoted = [i for sec in answers["ru"]["sections"] if sec["kind"] == "law" for i in sec["citations"]]
    assert quoted
    for i in quoted:
        c = answers["ru"]["citations"][i]
        assert f"<blockquote>{html.escape(c['text'], quote=False)}</blockquote>" in page.replace("&#39;", "'").replace("&#34;", '"')
    kk = reviewer.get("/transcript", params={"id": s["kk"]}).text
    assert "vote: not helpful" in kk and "telegram" in kk
    tg = reviewer.get("/transcript", params={"id": s["tg"]}).text
    assert "vote: helpful" in tg
    unsure = reviewer.get("/transcript", params={"id": s["unsure"]}).text
    assert "none: not sure" in unsure
    for doc_id in answers["unsure"].get("scores") or {}:
        assert html.escape(doc_id) in unsure  # retrieval scores of the documents it considered
    assert reviewer.get("/transcript", params={"id": "no-such-sender"}).status_code == 404


def test_user_text_is_escaped_everywhere(reviewer, admin, review_data):
    sender = review_data.senders["xss"]
    page = reviewer.get("/transcript", params={"id": sender}).text
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page
    listing = reviewer.get("/conversations").text
    assert "<script>alert" not in listing and "&lt;script&gt;alert(1)&lt;/script&gt;" in listing
    # the only scripts on any page are the project's own files
    for body in (page, listing, reviewer.get("/dashboard").text):
        assert re.findall(r"<script(?![^>]*type=\"application/json\")[^>]*>", body) in ([], ['<script src="/static/charts.js">'])
    # an attacker-controlled sender id is escaped in the transcript URL and page too
    r = reviewer.get("/transcript", params={"id": '"><script>alert(3)</script>'})
    assert r.status_code == 404 and "<script>alert(3)" not in r.text
    # the raw stored text really contains the tags (the escaping is the page's doing)
    engine = make_engine(review_data.db_url)
    with engine.connect() as conn:
        assert any(x.text == XSS_TEXT for x in read_turns(conn, sender))


def test_personal_data_is_masked_in_every_view(reviewer, admin, review_data):
    raw = review_data.senders["raw"]
    engine = make_engine(review_data.db_url)
    with engine.connect() as conn:
        assert read_turns(conn, raw)[0].text == RAW_PII_TEXT  # stored unmasked by "another writer"
    leaks = ["900101300123", "701 123 45 67", "ivan.petrov@example.com", "Иван Петров"]
    page = reviewer.get("/transcript", params={"id": raw}).text
    assert "[IIN]" in page and "[PHONE]" in page and "[EMAIL]" in page and "[NAME]" in page
    listing = reviewer.get("/conversations").text
    csv_text = admin.get("/admin/conversations.csv").text
    for body in (page, listing, csv_text, reviewer.get("/dashboard").text):
        for leak in leaks:
            assert leak not in body
    # the index keeps only masked text
    with engine.connect() as conn:
        stored = " ".join(r[0] for r in conn.execute(select(t.messages.c.text)))
        searchable = " ".join(r[0] for r in conn.execute(select(t.conversations.c.search_text)))
    for leak in leaks:
        assert leak not in stored and leak.lower() not in searchable
    # masked at ingress by the channel: the phone/IIN conversation
    pii = reviewer.get("/transcript", params={"id": review_data.senders["pii"]}).text
    assert "900101300123" not in pii and "[IIN]" in pii


def test_csv_export_of_the_list_keeps_filters(admin, review_data):
    r = admin.get("/admin/conversations.csv", params={"channel": "telegram"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 2 and {row["channel"] for row in rows} == {"telegram"}
    assert {row["language"] for row in rows} == {"kk", "ru"}
    assert all(row["conversation"].startswith("conv-") for row in rows)  # pseudonyms, not sender ids
    assert not set(review_data.senders.values()) & {row["conversation"] for row in rows}
    kk = next(row for row in rows if row["language"] == "kk")
    assert kk["not_helpful"] == "1" and "ask_pregnant_dismissal" in kk["intents"]
    everything = list(csv.DictReader(io.StringIO(admin.get("/admin/conversations.csv").text)))
    assert len(everything) == len(review_data.senders)


def test_dashboard_numbers(reviewer, review_data):
    page = reviewer.get("/dashboard").text
    n = len(review_data.senders)
    assert re.search(rf"<strong>{n}</strong> conversations", page)
    data = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S).group(1)
    import json

    d = json.loads(data)
    assert sum(x["value"] for x in d["per_day"]) == n
    assert {x["label"] for x in d["per_language"]} == {"Kazakh", "Russian"}  # language names in the account's language (en)
    assert any("ask_pregnant_dismissal" in x["label"] for x in d["topics"])  # a topic's name, with its id in English
    assert sorted(x["value"] for x in d["votes"]) == [1, 1] and len(d["votes"]) == 2
    assert "qwzx prtkl vbnm zzqj" in page  # the unanswered question is listed


def test_long_conversation_is_paged_and_judging_returns_to_the_right_page(start_server, db_copy, review_data):
    import sqlite3

    from review_support import REVIEWER

    con = sqlite3.connect(db_copy.removeprefix("sqlite:///"))
    rows = con.execute("SELECT type_name, timestamp, intent_name, action_name, data FROM events WHERE sender_id = ? ORDER BY id",
                       (review_data.senders["tg"],)).fetchall()
    for i in range(250):
        con.executemany("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES ('long', ?, ?, ?, ?, ?)",
                        [(r[0], r[1] + i, r[2], r[3], r[4]) for r in rows])
    con.commit()
    con.close()
    srv = start_server(db_copy)
    c = Client(srv)
    c.login(*REVIEWER)
    first = c.get("/transcript", params={"id": "long"}).text
    assert "turns 1–100 of 250" in first and first.count('class="turn"') == 100
    third = c.get(html.unescape(re.search(r'href="([^"]+)" rel="next"', c.get(
        html.unescape(re.search(r'href="([^"]+)" rel="next"', first).group(1))).text).group(1))).text
    assert "turns 201–250 of 250" in third and third.count('class="turn"') == 50
    ev = re.findall(r'name="turn_event_id" value="(\d+)"', third)[-1]
    r = c.post("/judge", {"sender_id": "long", "turn_event_id": ev, "verdict": "correct"})
    back = c.get(r.headers["Location"]).text
    assert "turns 201–250 of 250" in back and "Saved." in back
    assert c.get("/transcript", params={"id": "long", "start": "-5"}).status_code == 200
    assert c.get("/transcript", params={"id": "long", "start": "99999"}).status_code == 200
