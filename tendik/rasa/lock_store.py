"""A Redis lock store that is safe with several Rasa replicas.

Rasa's ``RedisLockStore`` keeps each conversation's ticket lock as one JSON value and updates it
by read-modify-write (GET, change, SET). Two replicas issuing tickets for the same conversation
at the same moment overwrite each other's ticket, both think they hold the lock, and the SQL
tracker store then drops one replica's events (RasaHQ/rasa#9213; the upstream fix, #11256, was
reverted). ``tests/test_replicas.py`` reproduces the loss.

This store does the same ticket locking, but every read-modify-write of a conversation's lock
runs under a short Redis mutex (``SET NX PX`` with a random token, released by a compare-and-
delete script), so ticket issuing and clean-up are atomic across processes.
"""

from __future__ import annotations

import logging
import time
import uuid
from contextlib import contextmanager
from typing import Any, Iterator, Optional, Text

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""
GUARD_MS = 5000  # a guard is held for a few milliseconds; this only bounds a crashed holder
GUARD_WAIT_S = 10.0


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with atomic ticket updates (configured by tendik.ops.services when
    TENDIK_REDIS_URL is set)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        # Rasa builds custom lock stores as ``cls(endpoint_config=...)``.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    @contextmanager
    def _guard(self, conversation_id: Text) -> Iterator[None]:
        key = f"{self.key_prefix}{conversation_id}:guard"
        token = uuid.uuid4().hex
        deadline = time.monotonic() + GUARD_WAIT_S
        while not self.red.set(key, token, nx=True, px=GUARD_MS):
            if time.monotonic() > deadline:
                raise LockError(f"Could not update the lock of conversation '{conversation_id}' in time.")
            time.sleep(0.002)
        try:
            yield
        finally:
            self.red.eval(_RELEASE, 1, key, token)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._guard(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._guard(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._guard(conversation_id):
            super().cleanup(conversation_id, ticket_number)
