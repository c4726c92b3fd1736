"""A hard deadline for receiving a request on a Sanic server (Rasa's 21.12 and rasa-sdk's 25.12).

Sanic's own ``REQUEST_TIMEOUT`` is an *idle* timeout: a client that sends one byte of its headers
or body every few seconds keeps the connection (and the worker's memory) forever, and Rasa reads
the body under its ``RESPONSE_TIMEOUT`` of an hour. :func:`deadline_protocol` returns Sanic's
HTTP protocol with one more rule: the request line, headers and body must all have arrived
within ``seconds`` of the first byte, or the client gets 408 and the connection is closed.
Pass it as ``app.run(protocol=...)``.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)


def deadline_protocol(seconds: float) -> type:
    from sanic.exceptions import RequestTimeout
    from sanic.server.protocols.http_protocol import HttpProtocol

    try:
        from sanic.http.constants import Stage  # Sanic >= 22
    except ImportError:  # Sanic 21.12 (Rasa 3.6)
        from sanic.http import Stage  # type: ignore[no-redef,attr-defined]

    class DeadlineProtocol(HttpProtocol):  # type: ignore[misc,valid-type]
        __slots__ = ("_receiving_since",)  # Sanic's protocols use __slots__
        request_deadline = float(seconds)

        def check_timeouts(self) -> None:
            http = getattr(self, "_http", None)
            if getattr(self, "_task", None) and http is not None:
                receiving = http.stage is Stage.REQUEST or (http.stage is Stage.HANDLER and bool(http.request_body))
                now = time.monotonic()
                since = getattr(self, "_receiving_since", None)
                if not receiving:
                    self._receiving_since = None
                elif since is None:
                    self._receiving_since = now
                elif now - since > self.request_deadline:
                    self._receiving_since = None
                    peer = self.transport.get_extra_info("peername") if self.transport else None
                    logger.warning("closed a connection from %s: the request did not arrive within %.0f s",
                                   peer[0] if peer else "?", self.request_deadline)
                    http.exception = RequestTimeout("Request Timeout")
                    self._task.cancel()
                    self.loop.call_later(2.0, self.close)  # after the 408 has gone out, whatever Sanic does
                    return
            super().check_timeouts()

    return DeadlineProtocol
