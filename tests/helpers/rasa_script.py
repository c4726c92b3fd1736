"""Run a Python snippet in Rasa's own environment (.venv-rasa) from the repository root and read
the JSON it prints on its last line: for tests of code that imports Rasa."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from tendik.ops.services import RASA_VENV, rasa_env
from tendik.paths import ROOT


def run_rasa_script(script: str, *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> Any:
    """``python -c script args...`` in Rasa's environment (``env``: the whole environment, default
    ``rasa_env()``); fails the test with its stderr unless it exits 0; the last stdout line as JSON."""
    done = subprocess.run([str(RASA_VENV / "bin" / "python"), "-c", script, *args], cwd=ROOT, env=env or rasa_env(),
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
