"""The widget service on PostgreSQL: a throw-away PostgreSQL cluster, the real Rasa server and
action server using it as their tracker store, and the web service on the same database. Chat,
vote, comment, history and "delete my conversation" all work there too (the history and vote
checks read Rasa's ``events`` table with plain SQL that must run on both databases)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web_helpers import WebService, chat, free_port, history, legal_answers, new_cid, request, sender_of

from tendik.ops.services import Services


@pytest.fixture(scope="module")
def pg_stack(tmp_path_factory, pg_server, assistant) -> Iterator[tuple[WebService, str]]:  # noqa: ANN001
    """A Rasa server on a new PostgreSQL database (sharing the session's action server) and the
    web service on the same database."""
    tmp = tmp_path_factory.mktemp("web-pg")
    url = pg_server.create_db("tendik_web")
    services = Services(rasa_port=free_port(), action_port=assistant.action_port, db_url=url, log_dir=tmp / "logs",
                        rasa_token=assistant.rasa_token, action_token=assistant.action_token)
    web = None
    try:
        try:
            services.start_rasa()
        except SystemExit:
            logs = "\n".join(p.read_text(errors="replace")[-3000:] for p in (tmp / "logs").glob("*.log"))
            pytest.fail("Rasa did not start on PostgreSQL:\n" + logs)
        web = WebService("pg", tmp, {"TENDIK_RASA_URL": services.rasa_url, "TENDIK_DB_URL": url,
                                     "TENDIK_RASA_TIMEOUT": "120"}).start()
        yield web, url
    finally:
        if web:
            web.stop()
        services.stop()
        pg_server.drop_db("tendik_web")


def _rows(url: str, table: str, sender: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE sender_id = %s", (sender,)).fetchone()[0]  # noqa: S608


def test_widget_api_on_postgresql(pg_stack) -> None:  # noqa: ANN001
    web, url = pg_stack
    cid = new_cid()
    sender = sender_of(cid)
    assert request(web.url + "/healthz").json() == {"status": "ok", "rasa": True, "actions": True, "db": True}

    data = chat(web.url, cid, "жүкті болғаным үшін жұмысқа алмады", "kk").json()
    answer = legal_answers(data)[0]
    assert "tk-025" in {c["norm_id"] for c in answer["citations"]}
    body = {"conversation_key": cid, "answer_id": answer["answer_id"], "vote": "helpful", "language": "kk"}
    assert request(web.url + "/api/vote", body).status == 200
    assert request(web.url + "/api/comment", dict(body, comment="Жақсы жауап")).status == 200
    assert request(web.url + "/api/vote", dict(body, answer_id="ab" * 16)).status == 404

    restored_history = history(web.url, cid).json()
    assert [m["role"] for m in restored_history["messages"]][:1] == ["user"] and restored_history["language"] == "kk"
    restored = next(m["answer"] for m in restored_history["messages"] if m.get("answer"))
    assert restored["answer_id"] == answer["answer_id"] and restored["vote"] == "helpful"
    assert restored["citations"] == answer["citations"]
    assert _rows(url, "events", sender) > 5 and _rows(url, "tendik_feedback", sender) == 1

    deleted = request(web.url + "/api/delete", {"conversation_key": cid, "language": "ru"}).json()
    assert deleted["deleted"]["tendik_feedback"] == 1 and deleted["deleted"]["events"] > 5
    assert _rows(url, "events", sender) == 0 and _rows(url, "tendik_feedback", sender) == 0
    assert history(web.url, cid).json()["messages"] == []
