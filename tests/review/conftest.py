"""Fixtures of the operator review tests, defined in review_support.py (see there)."""

from review_support import admin, db_copy, review_data, review_server, reviewer, start_server  # noqa: F401
