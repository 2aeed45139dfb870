"""The bench scripts import project and test code that moves with refactors: every
name they import must still exist, or `make bench` finds out only when it runs."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
PROJECT = ("core", "chatbot", "isolation", "selfcheck", "tests")


def _bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _imports(script: Path) -> list[tuple[str, str]]:
    tree = ast.parse(script.read_text(), filename=str(script))
    return [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
        for alias in node.names
    ]


@pytest.mark.parametrize("script", sorted(BENCH.glob("*.py")), ids=lambda p: p.name)
def test_every_name_a_bench_imports_exists(script):
    for module_name, name in _imports(script):
        if module_name.split(".")[0] in PROJECT:
            module = importlib.import_module(module_name)
        elif (BENCH / f"{module_name}.py").exists():  # harness, a bench-local module
            module = _bench_module(module_name)
        else:
            continue  # the standard library and dependencies
        assert hasattr(module, name) or importlib.util.find_spec(
            f"{module_name}.{name}"
        ), f"{script.name}: from {module_name} import {name}"
