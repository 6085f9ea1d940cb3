"""The application layer never writes to a terminal: it reports, and each face shows.

A GUI has no terminal, and a bench keeps stdout for its results, so a ``print`` in ``studio/ops``
is text that lands in the wrong place (issue 19). Batch progress, skipped files and warnings go
through :class:`studio.ops.batch.events.BatchEvents`; ``studio batch`` prints them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import studio.ops

OPS = Path(studio.ops.__file__).parent
TERMINAL_STREAMS = {"stdout", "stderr", "__stdout__", "__stderr__"}


def terminal_writes(source: str) -> list[str]:
    """Every ``print(...)``, ``sys.stdout``/``sys.stderr`` and tqdm/raw_stream use in
    ``source``, as ``"line: what"``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        what = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "print":
                what = "print()"
        elif isinstance(node, ast.Attribute) and node.attr in TERMINAL_STREAMS:
            if isinstance(node.value, ast.Name) and node.value.id == "sys":
                what = f"sys.{node.attr}"
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names = [getattr(node, "module", None) or ""] + [alias.name for alias in node.names]
            if any(name.split(".")[0] == "tqdm" or name == "raw_stream" for name in names):
                what = "a terminal progress bar"
        if what is not None:
            found.append(f"{getattr(node, 'lineno', '?')}: {what}")
    return found


@pytest.mark.parametrize(
    "path", sorted(OPS.rglob("*.py")), ids=lambda path: str(path.relative_to(OPS))
)
def test_no_module_of_ops_writes_to_the_terminal(path: Path) -> None:
    assert terminal_writes(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "print('x')",
        "import sys\nsys.stderr.write('x')",
        "import sys\nf(file=sys.stdout)",
        "from tqdm import tqdm",
        "from studio.domain.terminal_text import raw_stream",
    ],
)
def test_the_check_finds_each_way_to_the_terminal(source: str) -> None:
    assert terminal_writes(source)


def test_the_check_leaves_words_in_text_alone() -> None:
    assert terminal_writes('"""print(x) to sys.stdout"""\nsay = "print"') == []
