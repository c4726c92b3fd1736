"""``python3 -m tendik.ops.bootstrap <command>`` (what ``make`` runs): standard library only, so it
works on a fresh machine before any virtual environment exists.

It finds Python 3.10 (Rasa 3.6) and 3.11 (everything else), creates ``.venv-rasa`` and ``.venv`` from
the pinned lock files, installs this package into both (editable, no dependencies: the locks pin
them), and hands every other command to ``.venv/bin/tendik`` (``tendik.ops.cli``).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tendik.ops.commands import COMMANDS, print_help
from tendik.ops.env import APP_VENV, LOCKS, RASA_VENV, digest, fail, is_fresh, mark, run, say
from tendik.paths import ROOT


def find_python(version: str) -> str:
    """A working interpreter of ``version``: pyenv's installs first (its shims fail unless that
    version is selected), then the PATH. Each candidate is run to check its version."""
    candidates: list[str] = []
    if sys.version_info[:2] == tuple(map(int, version.split("."))):
        candidates.append(sys.executable)
    roots = []
    pyenv = shutil.which("pyenv")
    if pyenv:
        roots.append(subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip())
    roots += [os.environ.get("PYENV_ROOT", ""), str(Path.home() / ".pyenv")]
    for root in filter(None, roots):
        candidates += sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"), reverse=True)
    candidates += [c for c in (shutil.which(f"python{version}"), f"/usr/bin/python{version}") if c]
    for c in candidates:
        try:
            out = subprocess.run([c, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=30)
        except OSError:
            continue
        if out.returncode == 0 and out.stdout.strip() == version:
            return c
    fail(
        f"Python {version} not found. Rasa 3.6 needs Python 3.10 and the project needs 3.11. "
        f"Install it with pyenv (`pyenv install {version}`) or your package manager, then re-run."
    )
    return ""


def ensure_venv(name: str, venv: Path, version: str, locks: list[Path]) -> None:
    value = digest([*locks, ROOT / "pyproject.toml"], version)
    marker = venv / "bin" / "python"
    if is_fresh(f"venv-{name}", value, marker):
        return
    python = find_python(version)
    say(f"installing the {name} environment (Python {version}) from {', '.join(str(lock.relative_to(ROOT)) for lock in locks)} ...")
    if not marker.exists():
        run([python, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    run(pip + ["install", "--progress-bar", "on", *(arg for lock in locks for arg in ("-r", str(lock)))])
    # The project itself: editable, without dependencies (the lock files pin them) and without a
    # build environment (setuptools is in the venv; no network needed).
    run(pip + ["install", "--quiet", "--no-deps", "--no-build-isolation", "-e", str(ROOT)])
    mark(f"venv-{name}", value)


def install() -> None:
    ensure_venv("rasa", RASA_VENV, "3.10", [LOCKS["rasa"]])
    ensure_venv("app", APP_VENV, "3.11", [LOCKS["app"], LOCKS["dev"]])
    say("environments ready: .venv-rasa (Rasa 3.6.21), .venv (actions, retrieval, bots, tools)")


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "help"
    if command in ("help", "-h", "--help"):
        print_help()
        return
    if command not in COMMANDS:
        print_help()
        fail(f"unknown command {command!r}")
    install()
    if command == "install":
        return
    tendik = APP_VENV / "bin" / "tendik"
    os.execv(str(tendik), [str(tendik), *args])


if __name__ == "__main__":
    main()
