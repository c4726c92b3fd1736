"""Rasa's per-turn work done once (tendik/rasa/speedups.py, tendik/rasa/server.py): the behaviour
Rasa had must stay, in Rasa's own Python environment."""

from __future__ import annotations

import json
import subprocess

from tendik.ops.services import RASA_VENV, rasa_env
from tendik.paths import ROOT

SCRIPT = r"""
import json, os, sys
import tendik.rasa.server  # sets the OpenMP thread count before anything loads OpenMP
from tendik.rasa import speedups
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
original = RemoteAction._validate_action_result
speedups.install()
patched = RemoteAction._validate_action_result
action = RemoteAction("action_answer", None)
out = {"patched": patched is not original, "omp": os.environ.get("OMP_NUM_THREADS")}
good = {"events": [{"event": "slot", "name": "language", "value": "kk"}], "responses": [{"text": "x"}]}
out["good"] = action._validate_action_result(good)
bad = []
for reply in ({"events": "not a list"}, {"responses": [1]}, {"events": [{"event": 5}]}):
    for fn in (original, patched):
        try:
            fn(action, reply)
            bad.append("accepted")
        except ValidationError as e:
            bad.append(e.message)
out["bad"] = bad
print(json.dumps(out))
"""


def run(extra: dict[str, str] | None = None) -> dict:
    env = {**rasa_env(), **(extra or {})}
    env.pop("OMP_NUM_THREADS", None)
    done = subprocess.run([str(RASA_VENV / "bin" / "python"), "-c", SCRIPT], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_action_reply_is_validated_as_rasa_did() -> None:
    out = run()
    assert out["patched"] and out["good"] is True
    assert out["omp"] == "1"
    pairs = list(zip(out["bad"][::2], out["bad"][1::2]))
    assert len(pairs) == 3
    for original, patched in pairs:
        assert original != "accepted"
        assert patched == original  # the same error, the same message
        assert "Failed to validate Action server response" in patched


def test_the_speedups_can_be_switched_off() -> None:
    out = run({"TENDIK_RASA_SPEEDUPS": "0", "TENDIK_RASA_OMP_THREADS": "2"})
    assert not out["patched"]
    assert out["omp"] == "2"


def test_a_token_that_starts_with_a_dash_reaches_rasa_as_the_token() -> None:
    script = (
        "import argparse, json, sys\n"
        "from tendik.rasa.server import rasa_argv\n"
        "from rasa.cli import run\n"
        "parser = argparse.ArgumentParser()\n"
        "sub = parser.add_subparsers()\n"
        "run.add_subparser(sub, parents=[])\n"
        "args = parser.parse_args(rasa_argv(['run', '--enable-api', '--port', '5005'], '-Ab_c-d')[1:])\n"
        "print(json.dumps(args.auth_token))\n"
    )
    done = subprocess.run([str(RASA_VENV / "bin" / "python"), "-c", script], cwd=ROOT, env=rasa_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == "-Ab_c-d"
