"""The checks that keep the code in shape, run with the tests so CI cannot skip them.

ruff and ``mypy --strict`` over the whole tree (their scope is in pyproject.toml),
import-linter's contracts (layers, a fake Bot API that imports nothing of the bot),
and no import cycle between any two modules, ``TYPE_CHECKING`` imports included.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import grimp
import pytest

pytestmark = pytest.mark.timeout(900)  # a cold mypy over the tree takes minutes on a loaded machine
ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "jobs", "messages", "tgsandbox")


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout[-4000:]


def test_mypy_strict_finds_nothing() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout[-4000:]


def test_import_contracts_hold() -> None:
    result = run("importlinter.cli", "--no-cache")
    assert result.returncode == 0, result.stdout[-4000:]


def test_no_module_is_part_of_an_import_cycle() -> None:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    cycles = [sorted(group) for group in strongly_connected(graph.modules, graph.find_modules_directly_imported_by)
              if len(group) > 1]
    assert cycles == []


def test_the_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    found = list(strongly_connected(edges, lambda node: edges[node]))
    assert {"a", "b", "c"} in found and {"d"} in found


def strongly_connected(nodes: Iterable[str], successors: Callable[[str], set[str]]) -> Iterator[set[str]]:
    """Tarjan's algorithm, iterative (the import graph is deep enough to worry Python's recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(successors(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(successors(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                yield group


def test_benchmarks_do_not_use_the_test_suites_helpers() -> None:
    """Benchmarks are tools: a change to a test helper must not break one (they share ``bench/support.py``)."""
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for path in sorted((ROOT / "bench").glob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if line.lstrip().startswith(("from tests.support", "import tests.support"))]
    assert offenders == []
