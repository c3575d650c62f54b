"""The package's import structure: every module imports on its own, and no two modules import each other.

An import cycle can work from one entry point and break from another (the first module is half
initialised when the second asks it for a name); hiding it behind ``try/except ImportError`` made
chunking fall back silently to a cruder split. So each module is imported first, in a fresh
interpreter, and the whole import graph (imports inside functions included) must have no cycle.
The layering between subpackages is checked by ``lint-imports`` (``make lint``).
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grimp
import pytest

import minsearch

ROOT = Path(__file__).resolve().parent.parent


def _modules() -> list[str]:
    found = ["minsearch"]
    for info in pkgutil.walk_packages(minsearch.__path__, prefix="minsearch."):
        found.append(info.name)
    return sorted(found)


def _import_alone(module: str) -> tuple[str, int, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    return module, r.returncode, r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""


def test_the_package_has_the_modules_this_test_walks():
    mods = _modules()
    # A broken walk (wrong path) would make the next test pass over nothing.
    assert {
        "minsearch.ingest.chunker",
        "minsearch.ingest.structure",
        "minsearch.store.base",
        "minsearch.search",
        "minsearch.app.cli",
    } <= set(mods)


def test_every_module_imports_first_in_a_fresh_interpreter():
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_import_alone, _modules()))
    failed = [f"{m}: {err}" for m, rc, err in results if rc != 0]
    assert not failed, "\n".join(failed)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("package", ["minsearch"])
def test_no_module_imports_itself_through_others(package):
    graph = grimp.build_graph(package)
    mods = set(graph.modules)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) & mods for m in mods}
    assert len(edges) > 30
    assert _cycles(edges) == []
