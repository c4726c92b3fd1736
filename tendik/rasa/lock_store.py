"""A Redis lock store that is safe with several Rasa replicas.

Rasa's ``RedisLockStore`` keeps each conversation's ticket lock as one JSON value and updates it
by read-modify-write (GET, change, SET). Two replicas issuing tickets for the same conversation
at the same moment overwrite each other's ticket, both think they hold the lock, and the SQL
tracker store then drops one replica's events (RasaHQ/rasa#9213; the upstream fix, #11256, was
reverted). ``tests/test_replicas.py`` reproduces the loss.

This store does the same ticket locking, but every read-modify-write of a conversation's lock
runs under a short Redis mutex (``SET NX PX`` with a random token, released by a compare-and-
delete script), so ticket issuing and clean-up are atomic across processes.

A replica killed while it holds a conversation's ticket (kill -9, out of memory) would block that
conversation until the ticket expires (``TICKET_LOCK_LIFETIME``, 60 s), and a turn that waited so
long would be answered after its front end had already told the user "temporarily unavailable"
(then stored twice when the user resends). So each store keeps a heartbeat key in Redis
(``<prefix>owner:<id>``, refreshed every second, expiring after 5 s) and records which store holds
each ticket; a waiting turn drops the tickets of stores whose heartbeat is gone. And a turn waits
for its conversation's lock at most ``TENDIK_LOCK_WAIT_SECONDS`` (20 s, under the front ends'
30 s timeout): then it fails (the user gets "temporarily unavailable") instead of being processed
after nobody waits for the answer.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Any, Iterator, Optional, Text

from rasa.core.lock import TicketLock
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
HEARTBEAT_MS = 5000  # a store whose heartbeat key is older than this is gone (its process died)
HEARTBEAT_EVERY_S = 1.0


def lock_wait_seconds() -> float:
    return float(os.environ.get("TENDIK_LOCK_WAIT_SECONDS", "20"))


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with atomic ticket updates (configured by tendik.ops.services when
    TENDIK_REDIS_URL is set)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        # Rasa builds custom lock stores as ``cls(endpoint_config=...)``.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        self.owner = uuid.uuid4().hex
        self._heartbeat: Optional[threading.Thread] = None

    # ------------------------------------------------------------ who holds a ticket
    def _alive_key(self, owner: Text) -> Text:
        return f"{self.key_prefix}owner:{owner}"

    def _owners_key(self, conversation_id: Text) -> Text:
        return f"{self.key_prefix}{conversation_id}:owners"

    def _beat(self) -> None:
        self.red.set(self._alive_key(self.owner), b"1", px=HEARTBEAT_MS)

    def _ensure_heartbeat(self) -> None:
        self._beat()
        if self._heartbeat is None or not self._heartbeat.is_alive():
            self._heartbeat = threading.Thread(target=self._beat_forever, name="lock-store-heartbeat", daemon=True)
            self._heartbeat.start()

    def _beat_forever(self) -> None:
        import redis

        while True:
            time.sleep(HEARTBEAT_EVERY_S)
            try:
                self._beat()
            except redis.RedisError:
                pass  # Redis away for a moment: the next beat sets it again

    def _drop_dead_holders(self, lock: TicketLock) -> None:
        owners = {k.decode(): v.decode() for k, v in self.red.hgetall(self._owners_key(lock.conversation_id)).items()}
        for ticket in list(lock.tickets):
            owner = owners.get(str(ticket.number))
            if owner and owner != self.owner and not self.red.exists(self._alive_key(owner)):
                logger.warning("dropped a conversation lock ticket held by a lock store that is gone (its Rasa died)")
                lock.tickets.remove(ticket)
                self.red.hdel(self._owners_key(lock.conversation_id), str(ticket.number))

    # ------------------------------------------------------------ Rasa's interface
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
        self._ensure_heartbeat()
        with self._guard(conversation_id):
            ticket = super().issue_ticket(conversation_id, lock_lifetime)
            owners = self._owners_key(conversation_id)
            self.red.hset(owners, str(ticket), self.owner)
            self.red.pexpire(owners, int(lock_lifetime * 1000) + GUARD_MS)
            return ticket

    def update_lock(self, conversation_id: Text) -> None:
        with self._guard(conversation_id):
            lock = self.get_lock(conversation_id)
            if lock:
                lock.remove_expired_tickets()
                self._drop_dead_holders(lock)
                self.save_lock(lock)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._guard(conversation_id):
            super().cleanup(conversation_id, ticket_number)
            self.red.hdel(self._owners_key(conversation_id), str(ticket_number))

    async def _acquire_lock(self, conversation_id: Text, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        """Rasa's wait for the conversation's turn, bounded by ``TENDIK_LOCK_WAIT_SECONDS`` and
        checking every 0.25 s (a dead holder's ticket is dropped by :meth:`update_lock`)."""
        deadline = time.monotonic() + lock_wait_seconds()
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket):
                return lock
            if time.monotonic() > deadline:
                logger.warning("gave up waiting for a conversation's lock after %.0f s", lock_wait_seconds())
                break
            await asyncio.sleep(min(wait_time_in_seconds, 0.25))
            self.update_lock(conversation_id)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
