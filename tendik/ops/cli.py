"""``tendik <command>``: the project's commands inside ``.venv`` (``make`` gets here through
``tendik.ops.bootstrap``, which installs first). ``tendik help`` lists them."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys

from tendik.ops.commands import COMMANDS, print_help
from tendik.ops.env import RASA_VENV, app_env, app_python, rasa_env, run, say
from tendik.paths import BUILD, ROOT, dotenv

LINT_PATHS = ["tendik", "tests", "bench"]


def export_dotenv() -> None:
    """Settings from ``.env`` into this process's environment (variables already set win), so every
    service started from here sees them."""
    for key, value in dotenv().items():
        os.environ.setdefault(key, value)


def _python(*args: str) -> int:
    return subprocess.run([app_python(), *args], cwd=ROOT, env=app_env()).returncode


def lint() -> None:
    say("linting (ruff) ...")
    run([app_python(), "-m", "ruff", "check", *LINT_PATHS], env=app_env())
    say("type checking the core (mypy) ...")
    run([app_python(), "-m", "mypy"], env=app_env())


def cmd_build(_: argparse.Namespace) -> None:
    from tendik.ops.build import build

    build()


def cmd_run(args: argparse.Namespace) -> None:
    from tendik.ops import run as run_module
    from tendik.ops.build import build

    build()
    _migrate()
    run_module.run(args)


def cmd_test(args: argparse.Namespace) -> None:
    cmd_build(args)
    lint()
    say("running the test suite (pytest) ...")
    raise SystemExit(_python("-m", "pytest", *args.pytest_args))


def cmd_test_unit(args: argparse.Namespace) -> None:
    lint()
    say("running the unit tests (no services) ...")
    raise SystemExit(_python("-m", "pytest", "-m", "unit", *args.pytest_args))


def cmd_lint(_: argparse.Namespace) -> None:
    lint()


def cmd_eval(args: argparse.Namespace) -> None:
    cmd_build(args)
    raise SystemExit(_python("-m", "bench.eval", *args.rest))


def cmd_review(args: argparse.Namespace) -> None:
    raise SystemExit(_python("-m", "tendik.review", *(args.rest or ["serve"])))


def _migrate(down: str | None = None) -> None:
    from tendik.db.migrate import downgrade, upgrade

    if down:
        downgrade(down)
        say(f"tables downgraded to {down}")
    else:
        upgrade()
        say("tables up to date")


def cmd_migrate(args: argparse.Namespace) -> None:
    _migrate(args.down)


def cmd_tune(args: argparse.Namespace) -> None:
    cmd_build(args)
    raise SystemExit(_python("-m", "tendik.retrieval", "tune"))


def cmd_tune_fallback(args: argparse.Namespace) -> None:
    cmd_build(args)
    raise SystemExit(_python("-m", "bench.tune_fallback"))


def cmd_tune_cascade(args: argparse.Namespace) -> None:
    cmd_build(args)  # Rasa's environment (the classifier imports Rasa); writes bench/cascade.json
    raise SystemExit(subprocess.run([str(RASA_VENV / "bin" / "python"), "-m", "bench.cascade", "--write"], cwd=ROOT, env=rasa_env()).returncode)


def cmd_import_norms(_: argparse.Namespace) -> None:
    raise SystemExit(_python("-m", "tendik.knowledge.import_norms"))


def cmd_content_check(_: argparse.Namespace) -> None:
    raise SystemExit(_python("-m", "bench.content_check"))


def cmd_clean(_: argparse.Namespace) -> None:
    shutil.rmtree(BUILD, ignore_errors=True)
    say("removed build/ (models, index, stamps); conversations in data/ are kept")


def cmd_stack(args: argparse.Namespace) -> None:
    from tendik.ops import stack

    stack.main(args)


def cmd_install(_: argparse.Namespace) -> None:
    say("environments are installed by `make install` (python3 -m tendik.ops.bootstrap install)")


HANDLERS = {
    "install": cmd_install, "build": cmd_build, "run": cmd_run, "test": cmd_test, "test-unit": cmd_test_unit,
    "lint": cmd_lint, "eval": cmd_eval, "review": cmd_review, "migrate": cmd_migrate, "tune": cmd_tune,
    "tune-fallback": cmd_tune_fallback, "tune-cascade": cmd_tune_cascade, "import-norms": cmd_import_norms, "content-check": cmd_content_check,
    "clean": cmd_clean, "stack": cmd_stack,
}
assert set(HANDLERS) == set(COMMANDS), "every command has a handler and a help line"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tendik", description="Tendik: Kazakh/Russian legal-information assistant")
    sub = parser.add_subparsers(dest="cmd")
    for name, text in COMMANDS.items():
        p = sub.add_parser(name, help=text)
        if name == "run":
            from tendik.ops.run import add_arguments

            add_arguments(p)
        if name in ("test", "test-unit"):
            p.add_argument("pytest_args", nargs=argparse.REMAINDER)
        if name in ("eval", "review"):
            p.add_argument("rest", nargs=argparse.REMAINDER)
        if name == "stack":
            from tendik.ops.stack import add_arguments as stack_arguments

            stack_arguments(p)
        if name == "migrate":
            p.add_argument("--down", metavar="REVISION", help="downgrade to this revision (e.g. base)")
    sub.add_parser("help", help="list the commands")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    export_dotenv()
    if args.cmd in (None, "help"):
        print_help()
        return
    HANDLERS[args.cmd](args)


if __name__ == "__main__":
    main()
