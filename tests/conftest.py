"""Shared test set-up.

QT_QPA_PLATFORM must be set before anything imports Qt, so it is the first thing here.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Nothing in the test suite may write into the user's real folders: the style-weight cache,
# thumbnails, settings, QSettings (XDG_CONFIG_HOME) and recovery files all go to one private
# folder per test session, set before any studio module computes a path.
TEST_HOME = Path(tempfile.mkdtemp(prefix="studio-tests-"))
atexit.register(shutil.rmtree, TEST_HOME, ignore_errors=True)
PRIVATE_DIRS = {
    "STUDIO_CACHE_DIR": TEST_HOME / "cache",
    "STUDIO_CONFIG_DIR": TEST_HOME / "config",
    "STUDIO_DATA_DIR": TEST_HOME / "data",
    "XDG_CACHE_HOME": TEST_HOME / "xdg-cache",
    "XDG_CONFIG_HOME": TEST_HOME / "xdg-config",
    "XDG_DATA_HOME": TEST_HOME / "xdg-data",
}
for _name, _folder in PRIVATE_DIRS.items():
    os.environ[_name] = str(_folder)
# Studio keeps numba's compiled pymatting in its cache folder, private (and empty) above; the
# compile takes a minute, so the suite keeps it between sessions in the checkout's ignored
# .pytest_cache instead.
os.environ.setdefault(
    "NUMBA_CACHE_DIR", str(Path(__file__).parent.parent / ".pytest_cache" / "numba")
)
# Nothing in the test suite may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import pytest  # noqa: E402  (after the environment above, on purpose)

from tests.leaks import nothing_left_running  # noqa: E402


@pytest.fixture(autouse=True)
def _no_thread_left_running():
    """Fail any test that leaves a thread, QThread or QTimer running (napari does the same)."""
    with nothing_left_running():
        yield


@pytest.fixture(autouse=True)
def _private_log_folder(tmp_path_factory, monkeypatch):
    """The error log of every CLI run, worker job and window goes to a temp state folder."""
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("STUDIO_STATE_DIR", str(folder))
    yield folder
