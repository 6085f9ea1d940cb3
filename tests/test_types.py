"""The static type checker is clean over studio/ (configuration: ``[tool.mypy]`` in pyproject).

Every dispatch on the request kind ends in ``assert_never``, so adding a request to
:data:`studio.domain.jobs.JobRequest` without handling it everywhere fails this test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy", reason="mypy is not installed: pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_mypy_finds_no_errors_in_studio() -> None:
    # A subprocess, so mypy reads pyproject.toml from the project root and the cache of one
    # run (.mypy_cache) does not leak into the test process.
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
