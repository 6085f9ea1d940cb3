"""The layer rules of ../shared/DESIGN.md, enforced.

import-linter reads the contracts from pyproject.toml; a plain AST walk double-checks the two
rules that matter most even if the contracts were edited away.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "studio"
NO_QT = ("domain", "diagnostics", "imaging", "project", "engine", "train", "cli")
UI_FORBIDDEN = (
    "torch",
    "torchvision",
    "diffusers",
    "transformers",
    "studio.engine",
    "studio.train",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _files(sub: str) -> list[Path]:
    target = PACKAGE / sub
    if target.is_dir():
        return sorted(target.rglob("*.py"))
    single = PACKAGE / f"{sub}.py"
    return [single] if single.exists() else []


@pytest.mark.parametrize("layer", NO_QT)
def test_lower_layers_never_import_qt(layer: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in _imports(path) if n.startswith("PySide6"))
        for path in _files(layer)
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_ui_never_imports_torch_or_engine() -> None:
    offenders = {}
    for path in _files("ui"):
        bad = [
            n
            for n in _imports(path)
            if n.split(".")[0] in UI_FORBIDDEN or n.startswith(UI_FORBIDDEN)
        ]
        if bad:
            offenders[str(path.relative_to(ROOT))] = bad
    assert not offenders


def test_domain_configures_no_logging() -> None:
    """Domain holds values and rules; handlers and log files live in studio.diagnostics."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in _imports(path) if n.startswith("logging"))
        for path in _files("domain")
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_worker_uses_qtcore_only() -> None:
    # import-linter cannot forbid PySide6.QtGui while allowing PySide6.QtCore, so this walk
    # is the contract. Plain data crosses the boundary; the worker needs no QImage.
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            n for n in _imports(path) if n.startswith("PySide6") and n != "PySide6.QtCore"
        )
        for path in _files("worker")
    }
    assert not {k: v for k, v in offenders.items() if v}


@pytest.mark.parametrize(
    "code",
    [
        "import sys; from studio.launcher import main; main(['--help'])",
        "import studio.app",
    ],
    ids=["studio --help", "import studio.app"],
)
def test_start_up_does_not_import_torch(code: str) -> None:
    check = (
        "import sys\n"
        "try:\n"
        f"    exec({code!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('torch', 'diffusers', 'transformers') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
    )
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


def test_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    if not lint_imports.exists():
        pytest.fail("import-linter is missing: install the test extra (pip install -e '.[test]')")
    result = subprocess.run(
        [str(lint_imports), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 6 kept, 0 broken" in result.stdout


def test_no_module_imports_itself_back() -> None:
    """No import circle anywhere in studio/ (imaging/palettes had one: model <-> builtin, files)."""
    grimp = pytest.importorskip("grimp", reason="grimp comes with import-linter (test extra)")
    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph("studio", cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))
    circles = sorted(
        f"{importer} -> {imported}"
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if graph.chain_exists(importer=imported, imported=importer)
    )
    assert circles == [], "\n".join(circles)
