"""Two replicas of the widget service (real ``python -m tendik.web`` processes) on one Redis
(``TENDIK_REDIS_URL``) share each client's rate limit; with Redis unreachable the service still
answers every request (fail open: limited per process, one warning in its log). The calls are
refused before they would reach Rasa, so no assistant is needed (Rasa's URL points nowhere)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from web_helpers import WebService, free_port, request

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed (apt-get install redis-server)")

BAD_CHAT = {"conversation_key": "not-a-uuid", "message": "x", "language": "ru"}  # 400, but counted like any chat call


def _service(name: str, tmp_path: Path, redis_url: str) -> WebService:
    return WebService(name, tmp_path / "logs", {
        "TENDIK_RASA_URL": f"http://127.0.0.1:{free_port()}",
        "TENDIK_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "TENDIK_REDIS_URL": redis_url,
        "TENDIK_WEB_RATE_LIMIT": "3",
        "TENDIK_WEB_RATE_WINDOW": "600",
        "TENDIK_WEB_TRUST_PROXY": "true",
    })


def _chat(svc: WebService, client: str) -> int:
    return request(svc.url + "/api/chat", BAD_CHAT, headers={"X-Forwarded-For": client}).status


def test_two_replicas_share_each_clients_limit(redis_url: str, tmp_path: Path) -> None:
    first = _service("replica-a", tmp_path, redis_url).start()
    try:
        second = _service("replica-b", tmp_path, redis_url).start()
        try:
            client = "198.51.100.21"
            assert [_chat(first, client), _chat(second, client), _chat(first, client)] == [400, 400, 400]
            limited = request(second.url + "/api/chat", BAD_CHAT, headers={"X-Forwarded-For": client})
            assert limited.status == 429, "the other replica counted the first three calls"
            assert 150 <= int(limited.headers["retry-after"]) <= 200  # 600 s / 3 calls
            assert _chat(first, client) == 429
            assert _chat(second, "198.51.100.22") == 400, "another client has its own bucket"
        finally:
            second.stop()
    finally:
        first.stop()
    assert "Redis cannot be reached" not in first.log() + second.log()


def test_redis_unreachable_never_refuses_a_request(tmp_path: Path) -> None:
    svc = _service("no-redis", tmp_path, f"redis://127.0.0.1:{free_port()}/0").start()  # nothing listens there
    try:
        client = "198.51.100.31"
        assert [_chat(svc, client) for _ in range(4)] == [400, 400, 400, 429], "answered; the process's own limit holds"
        assert request(svc.url + "/api/history", {"conversation_key": "not-a-uuid"}).status == 400
    finally:
        svc.stop()
    log = svc.log()
    assert log.count("Redis cannot be reached") == 1 and "Traceback" not in log
