"""Settings of the review service (environment variables, documented in ``.env.example``)."""

from __future__ import annotations

import logging
import secrets

from pydantic import Field

from tendik.common.config import CommonSettings

logger = logging.getLogger(__name__)


class ReviewSettings(CommonSettings):
    """``TENDIK_REVIEW_*`` and ``TENDIK_RETENTION_DAYS`` on top of the common settings."""

    review_host: str = "127.0.0.1"
    review_port: int = 8090
    # Signs the CSRF tokens and keys the stored session hashes. Empty: a random one per process
    # (sessions then end when the server restarts).
    review_secret: str = ""
    # Set to true behind HTTPS so the session cookie is only ever sent over TLS.
    review_cookie_secure: bool = False
    review_session_hours: float = 8.0
    # Wrong passwords in a row for one account from one client before that client is locked out
    # of it; failures of one client over all names; failures of one account over all clients.
    review_max_failures: int = Field(5, ge=1)
    review_lockout_minutes: float = Field(15.0, gt=0)
    review_client_max_failures: int = Field(20, ge=1)
    review_account_max_failures: int = Field(50, ge=1)
    # Behind a reverse proxy: the client is the last X-Forwarded-For hop (else every login would
    # come from the proxy's address and share one limit).
    review_trust_proxy: bool = False
    review_sync_seconds: float = 30.0
    review_page_size: int = 50
    review_low_confidence: float = 0.6
    # 0 keeps conversations for ever; `python -m tendik.review retention` deletes older ones.
    retention_days: int = 0

    def login_limits(self):  # noqa: ANN201 - tendik.review.auth.LoginLimits (imported late: no cycle)
        from tendik.review.auth import LoginLimits

        return LoginLimits(self.review_max_failures, self.review_lockout_minutes * 60, self.review_client_max_failures,
                           self.review_account_max_failures)

    def model_post_init(self, __context: object) -> None:
        super().model_post_init(__context)
        if not self.review_secret:
            self.review_secret = secrets.token_urlsafe(32)
        if len(self.review_secret) < 16:
            raise ValueError("TENDIK_REVIEW_SECRET must be at least 16 characters long")
