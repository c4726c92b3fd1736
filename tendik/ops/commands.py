"""Every project command with its one-line help: ``make help`` prints this table (standard
library only, so it works before anything is installed)."""

from __future__ import annotations

COMMANDS: dict[str, str] = {
    "install": "create/update both virtual environments from the lock files (the package installed into both)",
    "build": "install, then rebuild whatever is stale: language detector, e5 model, index, Rasa model",
    "run": "build, migrate, start Rasa (:5005) + action server (:5055) + web widget (:8080) [+ Telegram bot if a token is set], chat",
    "test": "build, ruff, mypy, then the whole test suite (pytest): what CI runs",
    "test-unit": "ruff, mypy and the fast tests that need no services (a minute)",
    "lint": "ruff and the type checker (mypy) on the core",
    "eval": "build, then the benchmark: intent F1, retrieval, citation accuracy, latency, memory",
    "review": "operator review app: `review serve` (:8090), `review user add NAME --role admin`, sync, export, retention",
    "migrate": "upgrade the project's tables to the newest schema (`migrate --down REV` to go back)",
    "tune": "tune retrieval fusion weights/threshold on the dev set's tune split",
    "tune-fallback": "choose the NLU fallback threshold on the dev set's tune split (prints a table)",
    "tune-cascade": "choose the intent classifier's cascade threshold (e5 only where the n-grams are unsure): tune split + 5-fold CV",
    "import-norms": "re-copy norms verbatim from ../shared/legal-sources",
    "content-check": "trace every legal statement to its paragraphs; check every rendering of every answer and card",
    "clean": "delete build outputs (keeps conversations)",
    "stack": "production-shaped stack on this machine: `stack up|status|down [--rasa N] [--actions M] [--telegram] [--web]` (docs/DEPLOY.md)",
}


def print_help() -> None:
    print("Tendik commands (make <command>, or python3 -m tendik.ops.bootstrap <command>):")
    for name, text in COMMANDS.items():
        print(f"  {name:14s} {text}")
