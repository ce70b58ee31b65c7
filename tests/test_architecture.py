"""The size rules of the house style, checked on every module of the project: no module over
300 lines, no function over 80 lines. (The import direction is import-linter's job:
`lint-imports`, run by scripts/test.sh.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted([REPO / "app.py", *(REPO / "assistant").rglob("*.py"), *(REPO / "ingest").rglob("*.py"),
                  *(REPO / "evals").rglob("*.py")])
MAX_MODULE, MAX_FUNCTION = 300, 80


def too_long(path: Path, root: Path = REPO) -> list[str]:
    text, name = path.read_text(encoding="utf-8"), path.relative_to(root)
    out = [f"{name}: {len(text.splitlines())} lines"] if len(text.splitlines()) > MAX_MODULE else []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = node.end_lineno - node.lineno + 1
            if n > MAX_FUNCTION:
                out.append(f"{name}:{node.lineno} {node.name}() {n} lines")
    return out


@pytest.mark.unit
def test_no_module_over_300_lines_and_no_function_over_80():
    assert SOURCES and all(p.is_file() for p in SOURCES)
    problems = [p for f in SOURCES for p in too_long(f)]
    assert not problems, problems


@pytest.mark.unit
def test_the_size_check_sees_a_long_module_and_a_long_nested_function(tmp_path):
    f = tmp_path / "long.py"
    f.write_text("class A:\n    def f(self):\n" + "        x = 1\n" * 90 + "y = 2\n" * 220, encoding="utf-8")
    assert too_long(f, tmp_path) == ["long.py: 312 lines", "long.py:2 f() 91 lines"]
