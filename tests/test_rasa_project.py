"""The Rasa project itself: `rasa data validate` and the test stories in nlu_data/tests/."""

from __future__ import annotations

import subprocess

from tendik.knowledge.norms import ROOT
from tendik.ops.services import RASA_MODEL, RASA_VENV, rasa_env


def rasa(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(RASA_VENV / "bin" / "rasa"), *args], cwd=cwd, env=rasa_env(),
                          capture_output=True, text=True, timeout=900)


def test_rasa_data_validate() -> None:
    result = rasa("data", "validate", "--fail-on-warnings", "--config", "nlu_data/config.yml",
                  "--domain", "nlu_data/domain", "--data", "nlu_data/data")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_story_tests_pass_in_both_languages(tmp_path) -> None:
    result = rasa("test", "core", "--model", str(RASA_MODEL), "--stories", "nlu_data/tests",
                  "--out", str(tmp_path), "--fail-on-prediction-errors")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = tmp_path / "failed_test_stories.yml"
    assert not failed.exists() or "story:" not in failed.read_text()
