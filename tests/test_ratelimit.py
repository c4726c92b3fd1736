"""The project's one rate limiter (tendik.common.ratelimit), on both backends: in memory and in a
real Redis server (a throw-away ``redis-server`` on a free port; the Redis tests are skipped, with
the reason, only when redis-server is not installed). Also: two limiters on one Redis (two
replicas) share their buckets, the check is atomic under concurrent hits, buckets expire and name
no client, and with Redis down or going away the limiter fails open: no request is refused because
of it, each process limits on its own, one warning per outage, shared again once Redis is back."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tendik.common.ratelimit import MemoryBackend, RateLimiter, RedisBackend, backend_for, retry_after_seconds
from tendik.ops.services import free_port
from tendik.telegram.middlewares import FloodLimiter
from tendik.web.ratelimit import WebLimits
from tendik.web.settings import WebSettings

REDIS_SERVER = shutil.which("redis-server")
needs_redis = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0  # a wall-clock time: Redis keeps its buckets in real seconds

    def __call__(self) -> float:
        return self.now


class RedisServer:
    """A throw-away redis-server (no persistence) in ``workdir`` on ``port``; can be stopped and
    started again on the same port."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.workdir, self.port = workdir, port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        assert REDIS_SERVER
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def cli(self, *args: str) -> str:
        cli = shutil.which("redis-cli")
        assert cli, "redis-cli not found (apt-get install redis-server)"
        return subprocess.run([cli, "-p", str(self.port), *args], capture_output=True, text=True, timeout=10, check=True).stdout


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def run(make: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(make())


@pytest.fixture(params=[pytest.param("memory", marks=pytest.mark.unit), pytest.param("redis", marks=needs_redis)])
def backend_factory(request: pytest.FixtureRequest) -> Callable[[FakeClock], Any]:
    """Makes a backend of each kind on a fake clock (created inside the test's event loop)."""
    if request.param == "memory":
        return lambda clock: MemoryBackend(clock=clock)
    server: RedisServer = request.getfixturevalue("redis_server")
    return lambda clock: RedisBackend(server.url, clock=clock)


# ---------------------------------------------------------------- behaviour, on both backends
def test_a_burst_then_one_token_every_window_over_limit(backend_factory) -> None:  # noqa: ANN001
    clock = FakeClock()

    async def scenario() -> None:
        backend = backend_factory(clock)
        limiter = RateLimiter("t", 3, 60, backend)
        try:
            assert [await limiter.hit("a") for _ in range(3)] == [0, 0, 0]
            wait = await limiter.hit("a")
            assert wait == pytest.approx(20.0)  # one token every 60/3 s
            assert retry_after_seconds(wait) == 20
            assert await limiter.hit("b") == 0, "another client has its own bucket"
            clock.now += 19.9
            assert await limiter.hit("a") > 0
            clock.now += 0.2
            assert await limiter.hit("a") == 0
            assert await limiter.hit("a") > 0
            clock.now += 600  # long idle: full again, never more than the burst
            assert [await limiter.hit("a") == 0 for _ in range(4)] == [True, True, True, False]
        finally:
            await backend.close()

    run(scenario)


def test_refused_requests_take_nothing(backend_factory) -> None:  # noqa: ANN001
    clock = FakeClock()

    async def scenario() -> None:
        backend = backend_factory(clock)
        limiter = RateLimiter("t", 1, 10, backend)
        try:
            assert await limiter.hit("a") == 0
            for _ in range(50):
                assert await limiter.hit("a") > 0
            clock.now += 10
            assert await limiter.hit("a") == 0, "hammering while limited must not push the client further back"
        finally:
            await backend.close()

    run(scenario)


def test_limiters_on_one_backend_have_their_own_buckets_and_forget(backend_factory) -> None:  # noqa: ANN001
    clock = FakeClock()

    async def scenario() -> None:
        backend = backend_factory(clock)
        chat, other = RateLimiter("chat", 1, 60, backend), RateLimiter("other", 1, 60, backend)
        try:
            assert await chat.hit("a") == 0 and await chat.hit("a") > 0
            assert await other.hit("a") == 0, "same key, another limiter: another bucket"
            await chat.forget("a")
            assert await chat.hit("a") == 0, "a forgotten bucket starts full"
            assert await other.hit("a") > 0
        finally:
            await backend.close()

    run(scenario)


def test_a_cost_above_the_limit_is_never_allowed(backend_factory) -> None:  # noqa: ANN001
    clock = FakeClock()

    async def scenario() -> None:
        backend = backend_factory(clock)
        limiter = RateLimiter("t", 2, 10, backend)
        try:
            assert await limiter.hit("a", cost=3) == pytest.approx(5.0)
            assert await limiter.hit("a", cost=2) == 0, "the refused hit took nothing"
        finally:
            await backend.close()

    run(scenario)


@pytest.mark.unit
def test_nonsense_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        RateLimiter("t", 0, 10)
    with pytest.raises(ValueError):
        RateLimiter("t", 1, 0)
    with pytest.raises(ValueError):
        RateLimiter("a:b", 1, 1)
    with pytest.raises(ValueError):
        MemoryBackend(max_keys=1)


@pytest.mark.unit
def test_the_memory_table_is_bounded() -> None:
    clock = FakeClock()
    backend = MemoryBackend(clock=clock, max_keys=100)
    limiter = RateLimiter("t", 5, 10, backend)

    async def scenario() -> None:
        for i in range(100):
            await limiter.hit(f"idle-{i}")
        clock.now += 60  # everyone has refilled
        await limiter.hit("new")
        assert len(backend) == 1
        for i in range(500):
            await limiter.hit(f"busy-{i}")
        assert len(backend) <= 100

    run(scenario)


@pytest.mark.unit
def test_without_redis_url_the_limits_stay_in_memory() -> None:
    assert isinstance(backend_for(""), MemoryBackend) and isinstance(backend_for(None), MemoryBackend)


@pytest.mark.unit
def test_widget_limits_chat_and_other_calls_apart() -> None:
    settings = WebSettings(_env_file=None, web_rate_limit=2, web_rate_window=60, redis_url="")

    async def scenario() -> None:
        limits = WebLimits(settings)
        assert isinstance(limits.backend, MemoryBackend)
        assert [await limits.hit("/api/chat", "1.2.3.4") == 0 for _ in range(3)] == [True, True, False]
        # the other calls: three times as many, their own bucket
        assert [await limits.hit("/api/history", "1.2.3.4") == 0 for _ in range(7)] == [True] * 6 + [False]
        assert await limits.hit("/api/chat", "1.2.3.5") == 0
        await limits.close()

    run(scenario)


# ---------------------------------------------------------------- Redis: shared, atomic, bounded
def test_two_replicas_on_one_redis_share_the_limit(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        first, second = RedisBackend(redis_server.url), RedisBackend(redis_server.url)  # two processes' worth
        a, b = RateLimiter("web-chat", 3, 60, first), RateLimiter("web-chat", 3, 60, second)
        try:
            assert await a.hit("198.51.100.7") == 0
            assert await b.hit("198.51.100.7") == 0
            assert await a.hit("198.51.100.7") == 0
            assert await b.hit("198.51.100.7") == pytest.approx(20.0, abs=0.5), "the other replica's hits count"
            assert await a.hit("198.51.100.7") > 0
            assert await b.hit("198.51.100.8") == 0
            assert first.failures == second.failures == 0
        finally:
            await first.close()
            await second.close()

    run(scenario)


def test_concurrent_hits_from_two_replicas_are_counted_exactly(redis_server: RedisServer) -> None:
    async def scenario() -> list[float]:
        backends = [RedisBackend(redis_server.url), RedisBackend(redis_server.url)]
        limiters = [RateLimiter("burst", 10, 3600, backend) for backend in backends]
        try:
            return await asyncio.gather(*(limiters[i % 2].hit("one-client") for i in range(60)))
        finally:
            for backend in backends:
                await backend.close()

    waits = run(scenario)
    assert sum(1 for w in waits if w == 0) == 10


def test_redis_buckets_use_redis_time_expire_and_name_no_client(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        backend = RedisBackend(redis_server.url)  # Redis's own clock
        limiter = RateLimiter("tg", 2, 1.0, backend)
        try:
            assert await limiter.hit("sender-7") == 0 and await limiter.hit("sender-7") == 0
            wait = await limiter.hit("sender-7")
            assert 0.3 < wait <= 0.5
            await asyncio.sleep(wait + 0.05)
            assert await limiter.hit("sender-7") == 0
        finally:
            await backend.close()

    run(scenario)
    keys = redis_server.cli("--scan", "--pattern", "*").split()
    assert keys and all(k.startswith("tendik:ratelimit:tg:") for k in keys)
    assert not any("sender-7" in k for k in keys), "the key is a hash: no client address or sender id in Redis"
    ttl = int(redis_server.cli("pttl", keys[0]))
    assert 0 < ttl <= 2000, "a bucket lives only until it would be full again (+1 s)"


# ---------------------------------------------------------------- Redis down: fail open
def test_redis_unreachable_fails_open_to_the_process_limit(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="tendik.common.ratelimit")

    async def scenario() -> tuple[list[bool], RedisBackend]:
        backend = RedisBackend(f"redis://127.0.0.1:{free_port()}/0", retry_after=60)  # nothing listens there
        limiter = RateLimiter("t", 3, 60, backend)
        started = time.monotonic()
        allowed = [await limiter.hit("a") == 0 for _ in range(5)]
        assert await limiter.hit("b") == 0
        assert time.monotonic() - started < 2, "a dead Redis must not slow every request down"
        await backend.close()
        return allowed, backend

    allowed, backend = run(scenario)
    assert allowed == [True, True, True, False, False], "no refusal because of Redis; the process's own limit still holds"
    assert backend.failures == 1, "tried once, then left alone until retry_after"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "Redis cannot be reached" in warnings[0].getMessage()
    assert "redis://" not in caplog.text


def test_redis_going_away_and_coming_back(redis_server: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="tendik.common.ratelimit")

    async def scenario() -> None:
        backend = RedisBackend(redis_server.url, retry_after=0.2)
        limiter = RateLimiter("t", 2, 3600, backend)
        other = RedisBackend(redis_server.url)
        try:
            assert await limiter.hit("a") == 0 and await limiter.hit("a") == 0
            assert await limiter.hit("a") > 0, "shared bucket empty"
            await asyncio.to_thread(redis_server.stop)
            # Redis gone: never refused because of it; this process's own (fresh) bucket applies
            assert [await limiter.hit("a") == 0 for _ in range(3)] == [True, True, False]
            assert backend.down_since is not None
            await asyncio.to_thread(redis_server.start)  # empty again (no persistence)
            await asyncio.sleep(0.3)
            assert await limiter.hit("c") == 0 and backend.down_since is None, "shared again once Redis answers"
            seen_by = RateLimiter("t", 2, 3600, other)
            assert await seen_by.hit("c") == 0 and await seen_by.hit("c") > 0, "the hit went to Redis: another replica sees it"
        finally:
            await backend.close()
            await other.close()

    run(scenario)
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"], "one warning per outage, one line on recovery"


def test_telegram_flood_limit_is_shared_by_replicas(redis_server: RedisServer) -> None:
    """The flood limit and its once-per-window notice, across two bot replicas on one Redis."""

    async def scenario() -> list[tuple[bool, bool, float]]:
        replicas = [FloodLimiter(2, 60, RedisBackend(redis_server.url)) for _ in range(2)]
        try:
            return [await replicas[i % 2].allow("tg-sender") for i in range(6)]
        finally:
            for r in replicas:
                await r.close()

    results = run(scenario)
    assert [allowed for allowed, _, _ in results] == [True, True, False, False, False, False]
    assert [warn for _, warn, _ in results] == [False, False, True, False, False, False], "told once, by whichever replica"
