"""Operator accounts, passwords, sessions, lock-out and CSRF tokens.

* Passwords: Argon2id (argon2-cffi defaults, RFC 9106 low-memory profile), rehashed on login when
  the parameters change. Never logged, never taken from the command line.
* Sessions: a random 256-bit token in an HttpOnly, SameSite=Strict cookie; the database keeps only
  its HMAC (keyed by ``TENDIK_REVIEW_SECRET``), so a copy of the database opens no session.
  Logout and disabling an account delete the sessions.
* Lock-out (:func:`authenticate`): after ``TENDIK_REVIEW_MAX_FAILURES`` wrong passwords in a row
  from one client an account is locked *for that client* for ``TENDIK_REVIEW_LOCKOUT_MINUTES``;
  a client is stopped after ``TENDIK_REVIEW_CLIENT_MAX_FAILURES`` failures over all names, an
  account after ``TENDIK_REVIEW_ACCOUNT_MAX_FAILURES`` over all clients. Attempts are counted
  atomically before the password is checked; unknown user names are counted, answered and timed
  exactly like real ones.
* CSRF: a per-session random token, checked (constant time) on every POST; the login form has a
  signed token bound to a pre-session cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, and_, case, delete, func, or_, select, update

from tendik.review import tables as t

logger = logging.getLogger(__name__)

ROLES = ("reviewer", "admin", "operator")  # operator: the handoff inbox (tendik.review.inbox)
LANGUAGES = ("kk", "ru", "en")  # the interface languages (tendik.review.ui_texts.LANGUAGES)
MIN_PASSWORD = 10
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password, only spends the same time")


class AccountError(ValueError):
    """A bad user name, role or password (the message is safe to show; ``code`` and ``fields``
    name its translation in :mod:`tendik.review.ui_texts`: ``account.<code>``)."""

    def __init__(self, message: str, code: str = "", **fields: object) -> None:
        super().__init__(message)
        self.code = code
        self.fields = fields


@dataclass
class User:
    id: int
    username: str
    role: str
    disabled: bool
    language: str = "en"  # the interface language: kk | ru | en (tendik.review.ui_texts)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _user(row) -> User:  # noqa: ANN001
    return User(id=row.id, username=row.username, role=row.role, disabled=bool(row.disabled),
                language=row.language if row.language in LANGUAGES else "en")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters", "password_short", n=MIN_PASSWORD)
    if len(password) > 1024:
        raise AccountError("the password is too long", "password_long")


def add_user(engine: Engine, username: str, password: str, role: str = "reviewer", language: str = "en") -> User:
    if not USERNAME.match(username):
        raise AccountError("user names are 2-64 characters: letters, digits, _ . @ -", "bad_name")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}", "bad_role")
    if language not in LANGUAGES:
        raise AccountError(f"language must be one of {', '.join(LANGUAGES)}", "bad_language")
    check_password_rules(password)
    with engine.begin() as conn:
        if conn.execute(select(t.users.c.id).where(t.users.c.username == username)).first():
            raise AccountError(f"user {username} already exists", "exists", name=username)
        conn.execute(
            t.users.insert().values(username=username, password_hash=hash_password(password), role=role, language=language,
                                    disabled=False, failed_logins=0, created_at=time.time())
        )
    logger.info("account created (role %s)", role)
    return get_user(engine, username)  # type: ignore[return-value]


def get_user(engine: Engine, username: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(t.users).where(t.users.c.username == username)).first()
    return _user(row) if row else None


def list_users(engine: Engine) -> list[dict]:
    """Accounts (no password hashes), each with ``locked_until``: its latest active lock-out."""
    locked = locks(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(t.users).order_by(t.users.c.username)).mappings()
        return [{**{k: v for k, v in r.items() if k != "password_hash"}, "locked_until": locked.get(r["username"])} for r in rows]


def set_password(engine: Engine, username: str, password: str) -> None:
    check_password_rules(password)
    with engine.begin() as conn:
        row = conn.execute(select(t.users.c.id).where(t.users.c.username == username)).first()
        if not row:
            raise AccountError(f"no user {username}", "no_user", name=username)
        conn.execute(
            update(t.users).where(t.users.c.id == row.id).values(password_hash=hash_password(password), failed_logins=0, locked_until=None)
        )
        conn.execute(delete(t.sessions).where(t.sessions.c.user_id == row.id))
        clear_attempts(conn, username)


def set_disabled(engine: Engine, username: str, disabled: bool) -> None:
    with engine.begin() as conn:
        row = conn.execute(select(t.users.c.id).where(t.users.c.username == username)).first()
        if not row:
            raise AccountError(f"no user {username}", "no_user", name=username)
        conn.execute(update(t.users).where(t.users.c.id == row.id).values(disabled=disabled, failed_logins=0, locked_until=None))
        clear_attempts(conn, username)
        if disabled:
            conn.execute(delete(t.sessions).where(t.sessions.c.user_id == row.id))


def set_role(engine: Engine, username: str, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}", "bad_role")
    with engine.begin() as conn:
        if not conn.execute(update(t.users).where(t.users.c.username == username).values(role=role)).rowcount:
            raise AccountError(f"no user {username}", "no_user", name=username)


def set_language(engine: Engine, username: str, language: str) -> None:
    """The account's interface language (the user on the settings page, an admin, the CLI)."""
    if language not in LANGUAGES:
        raise AccountError(f"language must be one of {', '.join(LANGUAGES)}", "bad_language")
    with engine.begin() as conn:
        if not conn.execute(update(t.users).where(t.users.c.username == username).values(language=language)).rowcount:
            raise AccountError(f"no user {username}", "no_user", name=username)


def count_admins(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(
            select(func.count()).select_from(t.users).where(t.users.c.role == "admin", t.users.c.disabled.is_(False))
        ).scalar() or 0)


@dataclass
class LoginResult:
    user: User | None
    locked: bool = False  # refused (or, with this failure, now refused) for too many failed attempts
    checked: bool = False  # a password was compared with an account's stored hash


@dataclass(frozen=True)
class LoginLimits:
    """Failed logins allowed per lock-out window: per account from one client (the lock-out a
    user sees), per client over all accounts, and per account over all clients."""

    max_failures: int = 5
    lockout_seconds: float = 15 * 60
    client_max_failures: int = 20
    account_max_failures: int = 50


def _attempt_key(scope: str, username: str, client: str) -> str:
    return hashlib.sha256(f"{scope}\0{username}\0{client}".encode()).hexdigest()


def _insert_ignore(engine: Engine):  # noqa: ANN202
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(t.login_attempts).on_conflict_do_nothing(index_elements=["key"])


def _reserve(engine: Engine, key: str, scope: str, username: str | None, limit: int, window: float, now: float) -> tuple[bool, bool]:
    """Count one attempt against ``key`` *before* the password is checked, in one atomic UPDATE
    (parallel logins cannot all read the same old count). (allowed, locked now)."""
    a = t.login_attempts.c
    stale = or_(and_(a.locked_until.is_not(None), a.locked_until <= now), a.updated_at <= now - window)
    failures = case((stale, 1), else_=a.failures + 1)
    with engine.begin() as conn:
        conn.execute(_insert_ignore(engine).values(key=key, scope=scope, username=username, failures=0, locked_until=None,
                                                   updated_at=now))
        result = conn.execute(
            update(t.login_attempts)
            .where(a.key == key, or_(a.locked_until.is_(None), a.locked_until <= now))
            .values(failures=failures, locked_until=case((failures >= limit, now + window), else_=None), updated_at=now)
        )
        if result.rowcount != 1:
            return False, True
        locked = conn.execute(select(a.locked_until).where(a.key == key)).scalar() is not None
    return True, locked


def _release(engine: Engine, keys: dict[str, str], limits: LoginLimits) -> None:
    """A correct password: the account's counters start again; the client's loses this attempt."""
    a = t.login_attempts.c
    with engine.begin() as conn:
        conn.execute(delete(t.login_attempts).where(a.key.in_([keys["account-client"], keys["account"]])))
        conn.execute(
            update(t.login_attempts)
            .where(a.key == keys["client"], a.failures > 0)
            .values(failures=a.failures - 1,
                    locked_until=case((a.failures - 1 >= limits.client_max_failures, a.locked_until), else_=None))
        )


def authenticate(engine: Engine, username: str, password: str, limits: LoginLimits, client: str = "unknown") -> LoginResult:
    """Check a password from ``client`` (its address).

    Every attempt is counted before the password is checked (so a burst of parallel logins gets
    exactly as many checks as allowed); the counters are per account and client (a stranger
    cannot lock a user out everywhere), per client (guessing many names) and per account (many
    clients), and unknown user names are counted like real ones. Every answer costs one Argon2
    verification, whatever the outcome, so the time taken tells nothing (unknown, locked, wrong)."""
    now = time.time()
    username = username[:64]
    with engine.connect() as conn:
        row = conn.execute(select(t.users).where(t.users.c.username == username)).first()
    known = username if row is not None else None
    scopes = (
        ("client", "", limits.client_max_failures, None),
        ("account-client", username, limits.max_failures, known),
        ("account", username, limits.account_max_failures, known),
    )
    keys: dict[str, str] = {}
    locked, refused_by = False, ""
    for scope, name, limit, stored in scopes:
        keys[scope] = _attempt_key(scope, name, client if scope != "account" else "")
        allowed, now_locked = _reserve(engine, keys[scope], scope, stored, limit, limits.lockout_seconds, now)
        locked = locked or now_locked
        if not allowed:
            refused_by = scope
            break
    target = row.password_hash if row is not None and not refused_by else _DUMMY_HASH
    try:
        _hasher.verify(target, password)
        ok = target is not _DUMMY_HASH
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    account = f"account {username!r}" if row is not None else "an unknown user name"
    if refused_by:
        logger.warning("login refused for %s from %s: too many failed attempts (%s)", account, client, refused_by)
        return LoginResult(None, locked=True)
    if not ok or row.disabled:
        reason = "account disabled" if ok else "wrong password" if row is not None else "unknown user name"
        logger.warning("login failed for %s from %s: %s%s", account, client, reason, "; now locked" if locked else "")
        return LoginResult(None, locked=locked, checked=row is not None)
    _release(engine, keys, limits)
    values: dict = {"failed_logins": 0, "locked_until": None, "last_login": now}
    if _hasher.check_needs_rehash(row.password_hash):
        values["password_hash"] = hash_password(password)
    with engine.begin() as conn:
        conn.execute(update(t.users).where(t.users.c.id == row.id).values(**values))
    logger.info("login of account %r (role %s) from %s", username, row.role, client)
    return LoginResult(_user(row), checked=True)


def clear_attempts(conn, username: str) -> None:  # noqa: ANN001 - a Connection in a transaction
    """Lift every lock-out of an account (a new password, an account enabled again)."""
    conn.execute(delete(t.login_attempts).where(t.login_attempts.c.username == username))


def locks(engine: Engine) -> dict[str, float]:
    """Account name -> when its latest active lock-out ends (any client)."""
    a = t.login_attempts.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(a.username, func.max(a.locked_until)).where(a.username.is_not(None), a.locked_until > time.time()).group_by(a.username)
        )
        return {name: until for name, until in rows}


# ------------------------------------------------------------------ sessions
def _token_hash(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def create_session(engine: Engine, secret: str, user: User, hours: float) -> tuple[str, str]:
    """A new session: (cookie token, CSRF token)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = time.time()
    with engine.begin() as conn:
        conn.execute(delete(t.sessions).where(t.sessions.c.expires_at < now))
        conn.execute(
            t.sessions.insert().values(token_hash=_token_hash(secret, token), user_id=user.id, csrf=csrf, created_at=now,
                                       expires_at=now + hours * 3600)
        )
    return token, csrf


def load_session(engine: Engine, secret: str, token: str) -> tuple[User, str] | None:
    """(user, CSRF token) of a live session of an enabled account, else None."""
    if not token or len(token) > 128:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(t.sessions.c.csrf, t.sessions.c.expires_at, t.users)
            .join(t.users, t.users.c.id == t.sessions.c.user_id)
            .where(t.sessions.c.token_hash == _token_hash(secret, token))
        ).first()
    if row is None or row.expires_at < time.time() or row.disabled:
        return None
    return _user(row), row.csrf


def end_session(engine: Engine, secret: str, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(t.sessions).where(t.sessions.c.token_hash == _token_hash(secret, token)))


def login_csrf(secret: str, pre_token: str) -> str:
    """The login form's CSRF token, bound to the pre-session cookie."""
    return hmac.new(secret.encode(), b"login:" + pre_token.encode(), hashlib.sha256).hexdigest()


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
