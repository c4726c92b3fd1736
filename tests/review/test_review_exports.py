"""Judging answers and exporting the corrections: NLU training data and test stories that the real
Rasa loader accepts, unanswered questions, reproducible files, masked text."""

from __future__ import annotations

import json
import re
from pathlib import Path

from review_support import Client, cli, rasa_load
from sqlalchemy import select

from tendik.common.db import make_engine
from tendik.review import tables as t


def first_turn(client: Client, sender: str, n: int = 0) -> str:
    page = client.get("/transcript", params={"id": sender}).text
    return re.findall(r'name="turn_event_id" value="(\d+)"', page)[n]


def judge(client: Client, sender: str, event_id: str, verdict: str, intent: str = "", kids: tuple[str, ...] = (), comment: str = ""):
    data = [("sender_id", sender), ("turn_event_id", event_id), ("verdict", verdict), ("right_intent", intent), ("comment", comment)]
    data += [("knowledge_ids", k) for k in kids]
    data += [("reason", "wrong_topic")] if verdict == "wrong" else []  # required for "wrong" (issue 14 item 7)
    r = client.post("/judge", data)
    assert r.status_code == 302
    return client.get(r.headers["Location"]).text


def test_judging_stores_who_and_when_and_validates(reviewer, admin, review_data, review_server):
    s = review_data.senders
    ev = first_turn(reviewer, s["ru"])
    page = judge(reviewer, s["ru"], ev, "wrong", "ask_hiring_refusal", ("exp-hiring-refusal", "tk-006"),
                 "позвоните мне +7 701 123 45 67")
    assert "Saved." in page and "by lawyer1" in page
    engine = make_engine(review_server.db_url)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(t.judgements)).mappings()]
    assert len(rows) == 1
    j = rows[0]
    assert (j["sender_id"], j["verdict"], j["right_intent"], j["reviewer"]) == (s["ru"], "wrong", "ask_hiring_refusal", "lawyer1")
    assert json.loads(j["right_knowledge_ids"]) == ["exp-hiring-refusal", "tk-006"]
    assert j["answer_id"] == review_data.answers["ru"]["answer_id"] and j["created_at"] > 0
    assert "+7 701" not in j["comment"] and "[PHONE]" in j["comment"]  # comments are masked too
    # re-judging by someone else updates the same row, with the new name and time
    judge(admin, s["ru"], ev, "correct")
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(t.judgements)).mappings()]
    assert len(rows) == 1 and rows[0]["verdict"] == "correct" and rows[0]["reviewer"] == "admin-ops"
    assert rows[0]["updated_at"] >= rows[0]["created_at"]
    # invalid input is refused with a message, nothing stored
    assert "Not saved: unknown intent" in judge(reviewer, s["ru"], ev, "wrong", "no_such_intent")
    assert "Not saved: unknown knowledge id" in judge(reviewer, s["ru"], ev, "wrong", "greet", ("exp-nothing",))
    assert "Not saved" in judge(reviewer, s["ru"], "999999", "wrong", "greet")
    other = first_turn(reviewer, s["kk"])
    assert "Not saved: no such message" in judge(reviewer, s["ru"], other, "wrong", "greet")  # not this conversation's
    assert "Not saved" in judge(reviewer, s["ru"], ev, "maybe")


def test_exports_are_valid_rasa_data_masked_and_reproducible(admin, review_data, review_server, tmp_path):
    s = review_data.senders
    judge(admin, s["ru"], first_turn(admin, s["ru"]), "wrong", "ask_hiring_refusal")
    judge(admin, s["ru"], first_turn(admin, s["ru"], 1), "correct")
    judge(admin, s["kk"], first_turn(admin, s["kk"]), "wrong", "ask_pregnant_dismissal", ("exp-pregnant-dismissal",))
    judge(admin, s["xss"], first_turn(admin, s["xss"]), "wrong", "ask_hiring_refusal")
    judge(admin, s["raw"], first_turn(admin, s["raw"]), "wrong", "ask_pregnant_dismissal")
    judge(admin, s["tg"], first_turn(admin, s["tg"]), "wrong", "")  # the knowledge base has nothing better
    judge(admin, s["unsure"], first_turn(admin, s["unsure"]), "wrong", "out_of_scope")

    out1, out2 = tmp_path / "a", tmp_path / "b"
    cli(review_server.db_url, "export", "all", "--out", str(out1))
    cli(review_server.db_url, "export", "all", "--out", str(out2))
    files = sorted(p.relative_to(out1) for p in out1.rglob("*") if p.is_file())
    assert [str(f) for f in files] == ["nlu/kk/review_corrections.yml", "nlu/ru/review_corrections.yml", "tests/test_review_kk.yml",
                                       "tests/test_review_ru.yml", "unanswered.csv", "unanswered.md", "verdicts.csv"]
    for f in files:  # reproducible: the same reviews give the same bytes
        assert (out1 / f).read_bytes() == (out2 / f).read_bytes(), f
    # the web downloads are the same files
    assert admin.get("/admin/export/nlu-ru.yml").content == (out1 / "nlu/ru/review_corrections.yml").read_bytes()
    assert admin.get("/admin/export/stories-kk.yml").content == (out1 / "tests/test_review_kk.yml").read_bytes()
    assert admin.get("/admin/export/unanswered.csv").content == (out1 / "unanswered.csv").read_bytes()
    assert admin.get("/admin/export/../../etc/passwd").status_code in (403, 404)

    # the project's format, sorted
    ru = (out1 / "nlu/ru/review_corrections.yml").read_text()
    assert ru.startswith('version: "3.1"\nnlu:\n- intent: ')
    assert "  examples: |\n    - " in ru
    assert "спасибо" not in ru  # judged correct: not a correction

    loaded = rasa_load([out1 / f for f in files if str(f).endswith(".yml")])
    nlu = {Path(k).parent.name: v for k, v in loaded["nlu"].items()}
    texts_kk = {text: intent for intent, text in nlu["kk"]}
    texts_ru = {text: intent for intent, text in nlu["ru"]}
    assert texts_ru["меня уволили из-за беременности"] == "ask_hiring_refusal"
    assert texts_ru["qwzx prtkl vbnm zzqj"] == "out_of_scope"
    assert texts_kk["жүкті болғаным үшін жұмыстан шығарды"] == "ask_pregnant_dismissal"
    assert any("<script>alert(1)</script>" in x and i == "ask_hiring_refusal" for x, i in texts_kk.items())
    masked = [x for x in texts_ru if "[IIN]" in x]
    assert masked and all("900101300123" not in x and "[NAME]" in x and "[EMAIL]" in x for x in masked)
    assert len(texts_ru) == 3 and len(texts_kk) == 2
    stories = {Path(k).name: v for k, v in loaded["stories"].items()}
    ru_steps = [tuple(e) for story in stories["test_review_ru.yml"] for e in story]
    assert ("user", "ask_hiring_refusal") in ru_steps and ("action", "action_answer") in ru_steps
    assert ("user", "out_of_scope") in ru_steps and ("action", "utter_out_of_scope") in ru_steps  # the rule's action
    assert len(stories["test_review_kk.yml"]) == 2

    unanswered = (out1 / "unanswered.csv").read_text()
    assert unanswered.splitlines()[0] == "language,count,first_seen,last_seen,question"
    assert "qwzx prtkl vbnm zzqj" in unanswered
    assert "какой штраф грозит работодателю за дискриминацию" in unanswered  # judged wrong, nothing better known
    assert "меня уволили" not in unanswered
    md = (out1 / "unanswered.md").read_text()
    assert md.startswith("# Questions the knowledge base could not answer") and "## ru" in md

    leaks = ["900101300123", "701 123 45 67", "ivan.petrov@example.com", "Иван Петров", *s.values()]
    for f in files:
        body = (out1 / f).read_text()
        for leak in leaks:
            assert leak not in body, (f, leak)


def test_export_page_lists_the_files(admin):
    page = admin.get("/admin/exports").text
    assert "tendik-unanswered.csv" in page and "tendik-unanswered.md" in page
