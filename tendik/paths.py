"""Where things are: the project folders, and the data folder from the environment or ``.env``.

Standard library only and Python 3.10-compatible: Rasa's add-ons import it too.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
KNOWLEDGE = ROOT / "knowledge"
NLU = ROOT / "nlu_data"
ENV_FILE = ROOT / ".env"


@lru_cache(maxsize=1)
def dotenv() -> dict[str, str]:
    """``KEY=value`` lines of ``.env`` (comments and empty values skipped)."""
    out: dict[str, str] = {}
    if ENV_FILE.is_file():
        for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            key, value = key.strip(), value.strip().strip("'\"")
            if sep and key and not key.startswith("#") and value:
                out[key] = value
    return out


def setting(name: str, default: str = "") -> str:
    """A setting from the environment, else from ``.env``, else ``default``: every process started
    directly (``python -m tendik.telegram``) sees the same values as one started by ``make run``."""
    return os.environ.get(name) or dotenv().get(name) or default


def data_dir() -> Path:
    """The folder for the SQLite store, logs and generated secrets (``TENDIK_DATA_DIR``, ./data)."""
    return Path(setting("TENDIK_DATA_DIR") or ROOT / "data")


def langid_model() -> Path:
    return Path(setting("TENDIK_LANGID_MODEL") or BUILD / "langid.json")
