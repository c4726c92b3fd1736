"""Heavy load set-up: two Rasa replicas share one PostgreSQL tracker store and lock conversations
in Redis (TENDIK_DB_URL + TENDIK_REDIS_URL). Messages of one user sent at the same time through
both replicas are processed one after another: none is lost, none is interleaved.

Without a shared lock store each replica only locks in its own memory; two replicas saving the
same conversation then drop each other's events (the SQL store appends "events beyond the count
already stored"). Rasa's stock RedisLockStore lost messages here too (its ticket updates are not
atomic across processes), hence addons/lock_store.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from tendik.ops.services import Services, http_json, wait_for
from tests.conftest import free_port, log_tail, new_token

QUESTIONS = [
    "меня уволили когда я была беременна",
    "жүкті болғаным үшін жұмысқа алмады",
    "мужчинам платят больше чем женщинам за ту же работу",
    "вакансияда тек ер адамдар деп жазылған",
    "куда жаловаться на дискриминацию",
    "сотқа қанша уақыт ішінде жүгіну керек",
    "какая ответственность работодателя за дискриминацию",
    "кемсітушілік деген не",
    "что говорит конституция о равенстве",
    "ХЕҰ конвенциясы туралы айтшы",
]


def _redis_calls(redis_url: str) -> dict[str, int]:
    cli = shutil.which("redis-cli")
    assert cli, "redis-cli not found (apt-get install redis-server)"
    port = redis_url.rsplit(":", 1)[1].split("/")[0]
    out = subprocess.run([cli, "-p", port, "INFO", "commandstats"], capture_output=True, text=True, timeout=10).stdout
    calls = {}
    for line in out.splitlines():
        if line.startswith("cmdstat_"):
            name, stats = line.split(":", 1)
            calls[name.removeprefix("cmdstat_")] = int(dict(kv.split("=") for kv in stats.split(","))["calls"])
    return calls


def test_two_replicas_on_postgres_with_redis_locks(pg_url: str, redis_url: str, tmp_path: Path) -> None:
    action_port = free_port()
    tokens = {"rasa_token": new_token(), "action_token": new_token()}  # one action server for both replicas
    first = Services(rasa_port=free_port(), action_port=action_port, db_url=pg_url, log_dir=tmp_path / "a", redis_url=redis_url, **tokens)
    second = Services(rasa_port=free_port(), action_port=action_port, db_url=pg_url, log_dir=tmp_path / "b", redis_url=redis_url, **tokens)
    try:
        try:
            first.start_actions(wait=False)
            first.start_rasa(wait=False)
            second.start_rasa(wait=False)
            wait_for(f"http://127.0.0.1:{action_port}/health", 90, first.procs["actions"], "action server")
            wait_for(first.api_url("/status"), 180, first.procs["rasa"], "Rasa replica 1")
            wait_for(second.api_url("/status"), 180, second.procs["rasa"], "Rasa replica 2")
        except SystemExit:
            pytest.fail("the replicas did not start:\n" + log_tail(tmp_path / "a") + log_tail(tmp_path / "b"))

        sender = f"replicas-{uuid.uuid4().hex[:10]}"
        jobs = [((first, second)[i % 2], text) for i, text in enumerate(QUESTIONS)]

        def send(job: tuple[Services, str]) -> list[dict]:
            services, text = job
            return http_json(services.rest_url, {"sender": sender, "message": text}, timeout=180)

        with ThreadPoolExecutor(len(jobs)) as pool:
            replies = list(pool.map(send, jobs))
        for reply in replies:
            assert any(m.get("custom", {}).get("type") == "tendik_answer" for m in reply), reply

        with psycopg.connect(pg_url) as conn:
            rows = conn.execute(
                "SELECT type_name, action_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,)
            ).fetchall()
        user_texts = [json.loads(data)["text"] for kind, _, data in rows if kind == "user"]
        assert sorted(user_texts) == sorted(QUESTIONS), "a message was lost or stored twice"

        # Processed one at a time: after each user message come its own answer and action_listen
        # before the next user message is stored.
        turns: list[list[tuple[str, str | None]]] = []
        for kind, action, _ in rows:
            if kind == "user":
                turns.append([])
            elif turns:
                turns[-1].append((kind, action))
        assert len(turns) == len(QUESTIONS)
        for turn in turns:
            actions = [a for k, a in turn if k == "action"]
            assert actions.count("action_answer") == 1, turn
            assert actions[-1] == "action_listen", turn

        # Each message took a ticket on the conversation's lock in Redis (a SET of the lock).
        calls = _redis_calls(redis_url)
        assert calls.get("set", 0) >= len(QUESTIONS) and calls.get("get", 0) >= len(QUESTIONS), calls
    finally:
        second.stop()
        first.stop()
