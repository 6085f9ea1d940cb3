"""The window's preflight names missing system libraries instead of letting Qt abort."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.qt_preflight import (
    DEBIAN_GUI_PACKAGES,
    check_qt_platform,
    explain,
    missing_libraries,
    packages_for,
    plugin_folder,
)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the xcb plugin is Linux's")
ROOT = Path(__file__).resolve().parents[1]


def _real_xcb_plugin() -> Path:
    folder = plugin_folder()
    assert folder is not None
    return folder / "libqxcb.so"


@pytest.fixture
def broken_plugin_dir(tmp_path: Path) -> Path:
    """A copy of the real xcb plugin whose NEEDED list names two libraries no system has.

    The sonames are patched in place (same length) from the two libraries a new user lacked.
    """
    data = _real_xcb_plugin().read_bytes()
    for real, absent in (
        (b"libxcb-icccm.so.4\0", b"libxcb-icccm.so.9\0"),
        (b"libxcb-keysyms.so.1\0", b"libxcb-keysyms.so.7\0"),
    ):
        assert real in data
        data = data.replace(real, absent)
    folder = tmp_path / "platforms"
    folder.mkdir()
    (folder / "libqxcb.so").write_bytes(data)
    return folder


def test_whatever_the_plugin_lacks_here_the_readme_installs():
    """On a bare machine the README's apt line is what fixes it; on a set-up one nothing lacks."""
    debian, _ = packages_for(missing_libraries(_real_xcb_plugin()))
    assert set(debian) <= set(DEBIAN_GUI_PACKAGES)


def test_missing_libraries_are_named_with_the_install_lines(broken_plugin_dir, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", str(broken_plugin_dir))
    check = check_qt_platform({"DISPLAY": ":0"})
    assert not check.ok
    # A machine without the README's packages lacks more than the two patched names.
    assert {"libxcb-icccm.so.9", "libxcb-keysyms.so.7"} <= set(check.missing)
    message = explain(check)
    assert "libxcb-icccm.so.9" in message and "libxcb-keysyms.so.7" in message
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in message
    assert "sudo dnf install xcb-util-wm xcb-util-keysyms" in message


def test_package_names_for_unknown_libraries_follow_debian_naming():
    debian, fedora = packages_for(("libfoo.so.3", "libbar2.so.1"))
    assert debian == ["libfoo3", "libbar2-1"]
    assert fedora == ["libfoo", "libbar2"]


def test_no_display_is_said_plainly():
    check = check_qt_platform({"QT_QPA_PLATFORM": "xcb"})
    assert not check.ok and "DISPLAY" in check.problem


def test_missing_libraries_and_no_display_are_both_named(broken_plugin_dir, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", str(broken_plugin_dir))
    check = check_qt_platform({"QT_QPA_PLATFORM": "xcb"})
    assert "libxcb-icccm.so.9" in check.problem and "DISPLAY" in check.problem
    assert "sudo apt-get install" in explain(check)


def test_offscreen_needs_no_check():
    assert check_qt_platform({"QT_QPA_PLATFORM": "offscreen"}).ok


def test_studio_exits_with_the_message_instead_of_aborting(broken_plugin_dir):
    env = dict(os.environ, PYTHONPATH=str(ROOT), DISPLAY=":0", QT_QPA_PLATFORM="")
    env["QT_QPA_PLATFORM_PLUGIN_PATH"] = str(broken_plugin_dir)
    result = subprocess.run(
        [sys.executable, "-m", "studio"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in result.stderr
    assert "sudo dnf install xcb-util-wm xcb-util-keysyms" in result.stderr
