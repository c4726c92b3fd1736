"""Operator accounts, passwords, sessions, lock-out and CSRF tokens.

* Passwords: Argon2id (argon2-cffi defaults, RFC 9106 low-memory profile), rehashed on login when
  the parameters change. Never logged, never taken from the command line.
* Sessions: a random 256-bit token in an HttpOnly, SameSite=Strict cookie; the database keeps only
  its HMAC (keyed by ``TENDIK_REVIEW_SECRET``), so a copy of the database opens no session.
  Logout and disabling an account delete the sessions.
* Lock-out: after ``TENDIK_REVIEW_MAX_FAILURES`` wrong passwords in a row an account is locked for
  ``TENDIK_REVIEW_LOCKOUT_MINUTES``; unknown user names cost the same hashing time and get the
  same message.
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
from sqlalchemy import Engine, delete, func, select, update

from bot.review import tables as t

logger = logging.getLogger(__name__)

ROLES = ("reviewer", "admin")
MIN_PASSWORD = 10
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password, only spends the same time")


class AccountError(ValueError):
    """A bad user name, role or password (the message is safe to show)."""


@dataclass
class User:
    id: int
    username: str
    role: str
    disabled: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _user(row) -> User:  # noqa: ANN001
    return User(id=row.id, username=row.username, role=row.role, disabled=bool(row.disabled))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise AccountError("the password is too long")


def add_user(engine: Engine, username: str, password: str, role: str = "reviewer") -> User:
    if not USERNAME.match(username):
        raise AccountError("user names are 2-64 characters: letters, digits, _ . @ -")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    check_password_rules(password)
    with engine.begin() as conn:
        if conn.execute(select(t.users.c.id).where(t.users.c.username == username)).first():
            raise AccountError(f"user {username} already exists")
        conn.execute(
            t.users.insert().values(username=username, password_hash=hash_password(password), role=role, disabled=False,
                                    failed_logins=0, created_at=time.time())
        )
    logger.info("account created (role %s)", role)
    return get_user(engine, username)  # type: ignore[return-value]


def get_user(engine: Engine, username: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(t.users).where(t.users.c.username == username)).first()
    return _user(row) if row else None


def list_users(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(t.users).order_by(t.users.c.username)).mappings()
        return [{k: v for k, v in r.items() if k != "password_hash"} for r in rows]


def set_password(engine: Engine, username: str, password: str) -> None:
    check_password_rules(password)
    with engine.begin() as conn:
        row = conn.execute(select(t.users.c.id).where(t.users.c.username == username)).first()
        if not row:
            raise AccountError(f"no user {username}")
        conn.execute(
            update(t.users).where(t.users.c.id == row.id).values(password_hash=hash_password(password), failed_logins=0, locked_until=None)
        )
        conn.execute(delete(t.sessions).where(t.sessions.c.user_id == row.id))


def set_disabled(engine: Engine, username: str, disabled: bool) -> None:
    with engine.begin() as conn:
        row = conn.execute(select(t.users.c.id).where(t.users.c.username == username)).first()
        if not row:
            raise AccountError(f"no user {username}")
        conn.execute(update(t.users).where(t.users.c.id == row.id).values(disabled=disabled, failed_logins=0, locked_until=None))
        if disabled:
            conn.execute(delete(t.sessions).where(t.sessions.c.user_id == row.id))


def set_role(engine: Engine, username: str, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    with engine.begin() as conn:
        if not conn.execute(update(t.users).where(t.users.c.username == username).values(role=role)).rowcount:
            raise AccountError(f"no user {username}")


def count_admins(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(
            select(func.count()).select_from(t.users).where(t.users.c.role == "admin", t.users.c.disabled.is_(False))
        ).scalar() or 0)


@dataclass
class LoginResult:
    user: User | None
    locked: bool = False


def authenticate(engine: Engine, username: str, password: str, max_failures: int, lockout_seconds: float) -> LoginResult:
    """Check a password; count failures and lock the account after ``max_failures`` in a row."""
    now = time.time()
    with engine.connect() as conn:
        row = conn.execute(select(t.users).where(t.users.c.username == username[:64])).first()
    if row is None:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        logger.info("login failed: unknown user")
        return LoginResult(None)
    if row.locked_until and row.locked_until > now:
        logger.warning("login refused: account locked")
        return LoginResult(None, locked=True)
    try:
        _hasher.verify(row.password_hash, password)
        ok = True
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    with engine.begin() as conn:
        if not ok:
            failures = (row.failed_logins or 0) + 1
            locked_until = now + lockout_seconds if failures >= max_failures else None
            conn.execute(update(t.users).where(t.users.c.id == row.id).values(failed_logins=failures, locked_until=locked_until))
            if locked_until:
                logger.warning("account locked after %d failed logins", failures)
            return LoginResult(None, locked=bool(locked_until))
        if row.disabled:
            logger.info("login refused: account disabled")
            return LoginResult(None)
        values: dict = {"failed_logins": 0, "locked_until": None, "last_login": now}
        if _hasher.check_needs_rehash(row.password_hash):
            values["password_hash"] = hash_password(password)
        conn.execute(update(t.users).where(t.users.c.id == row.id).values(**values))
    return LoginResult(_user(row))


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
