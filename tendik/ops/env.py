"""Shared by the operating commands: the two virtual environments, their process environments,
progress messages, and the staleness stamps of build steps. Standard library only."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from tendik.paths import BUILD, ROOT

RASA_VENV = ROOT / ".venv-rasa"
APP_VENV = ROOT / ".venv"
STAMPS = BUILD / ".stamps"
RASA_MODEL = BUILD / "rasa-models" / "tendik.tar.gz"
LOCKS = {
    "rasa": ROOT / "requirements" / "rasa.lock.txt",
    "app": ROOT / "requirements" / "app.lock.txt",
    "dev": ROOT / "requirements" / "dev.lock.txt",
}


def say(msg: str) -> None:
    print(f"[tendik] {msg}", flush=True)


class CommandFailed(SystemExit):
    pass


def fail(msg: str) -> None:
    print(f"[tendik] ERROR: {msg}", file=sys.stderr, flush=True)
    raise CommandFailed(1)


def digest(paths: list[Path], extra: str = "") -> str:
    """A hash of the files under ``paths`` (names and contents): a build step re-runs when it changes."""
    h = hashlib.sha256(extra.encode())
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
        elif p.exists():
            files.append(p)
    for f in files:
        h.update(str(f.relative_to(ROOT)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def is_fresh(step: str, value: str, output: Path) -> bool:
    stamp = STAMPS / step
    return output.exists() and stamp.is_file() and stamp.read_text() == value


def mark(step: str, value: str) -> None:
    STAMPS.mkdir(parents=True, exist_ok=True)
    (STAMPS / step).write_text(value)


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    started = time.time()
    result = subprocess.run(cmd, env=env, cwd=cwd)
    if result.returncode != 0:
        fail(f"command failed ({result.returncode}): {' '.join(map(str, cmd))}")
    say(f"  done in {time.time() - started:.0f} s")


def app_python() -> str:
    return str(APP_VENV / "bin" / "python")


def app_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    return env


def rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONWARNINGS="ignore",
        RASA_CACHE_DIRECTORY=str(BUILD / "rasa-cache"),  # not .rasa/ in the work tree
    )
    return env
