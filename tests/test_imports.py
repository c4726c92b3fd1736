"""The package's import structure: no import cycle among the ``tendik`` modules (a static graph of
every import statement, read with ``ast``: module level and inside functions alike, since an import
moved into a function to dodge a cycle is still a cycle; only ``if TYPE_CHECKING:`` imports, which
never run, are left out), and each Telegram module imports on its own in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tendik"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every name the module imports (``from a import b`` gives ``a.b`` when that is a module)."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _owner(name: str) -> str | None:
    """The tendik module that an imported name is, or is in."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        targets = {_owner(n) for n in _imported(tree, name, path.name == "__init__.py") if n.startswith("tendik")}
        graph[name] = {t for t in targets if t and t != name and t != "tendik"}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))
    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def _path_in(component: list[str], graph: dict[str, set[str]]) -> str:
    """One cycle through the component, for the failure message: a -> b -> ... -> a."""
    members = set(component)
    start = component[0]
    trail, seen = [start], {start}
    while True:
        nxt = sorted(graph[trail[-1]] & members)
        back = [n for n in nxt if n == start]
        if back and len(trail) > 1:
            return " -> ".join([*trail, start])
        fresh = [n for n in nxt if n not in seen]
        if not fresh:
            return " <-> ".join(component)
        trail.append(fresh[0])
        seen.add(fresh[0])


@pytest.mark.unit
def test_the_graph_sees_imports_everywhere() -> None:
    """The checker itself: imports inside functions count, TYPE_CHECKING ones do not."""
    tree = ast.parse(
        "from typing import TYPE_CHECKING\nimport tendik.lang\nfrom . import paths\nfrom .common import db\n"
        "if TYPE_CHECKING:\n    from tendik.telegram.context import BotContext\n"
        "def f():\n    from tendik.redact import redact\n"
    )
    names = _imported(tree, "tendik.x", is_package=False)
    assert {"tendik.lang", "tendik.paths", "tendik.common.db", "tendik.redact.redact"} <= names
    assert not any(n.startswith("tendik.telegram") for n in names)
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_graph()["tendik.telegram.app"] >= {"tendik.telegram.scheduler", "tendik.telegram.bot"}


@pytest.mark.unit
def test_no_import_cycle_among_tendik_modules() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles (move the shared piece to its own module):\n" + "\n".join(_path_in(c, graph) for c in found)


TELEGRAM = sorted(n for n in MODULES if n.startswith("tendik.telegram") and not n.endswith("__main__"))
OWN = ["tendik.citation", "tendik.common.events", "tendik.common.ratelimit", "tendik.web.ratelimit", "tendik.web.history",
       "tendik.web.present"]

# Run in a new interpreter: load the third-party libraries only (aiogram's types alone take seconds:
# twenty plain fresh interpreters took minutes on two busy cores), then import each tendik module
# first thing in a child forked from it, with no tendik module loaded yet.
FORK_EACH = """
import os, sys, traceback
import aiogram, aiogram.types, aiogram.methods, aiohttp, pydantic, pydantic_settings, sqlalchemy, yaml
assert not [m for m in sys.modules if m == "tendik" or m.startswith("tendik.")], "a library imported tendik"
failed = 0
for module in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            __import__(module)
        except BaseException:
            print(f"--- import {module} failed:", file=sys.stderr)
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    failed += status != 0
sys.exit(1 if failed else 0)
"""


def test_each_telegram_module_imports_on_its_own() -> None:
    """Each module imported first, on its own: an import cycle or a missing import shows up as an
    ImportError whichever module is imported first."""
    assert "tendik.telegram.broadcast" in TELEGRAM and "tendik.telegram.handlers.chat" in TELEGRAM
    r = subprocess.run([sys.executable, "-c", FORK_EACH, *TELEGRAM, *OWN], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-6000:]
