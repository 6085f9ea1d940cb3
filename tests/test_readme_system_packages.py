"""The README's system-package lines name what PySide6's Qt needs beyond a bare Python install.

A fresh install on a slim Debian image failed before the window: QtCore itself links GLib
(``libglib-2.0.so.0``), which the README's ``apt-get`` line did not name.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from studio.qt_preflight import DEBIAN_GUI_PACKAGES, SYSTEM_PACKAGES, _pyside_dir

README = Path(__file__).resolve().parents[1] / "README.md"


def _install_line(tool: str) -> set[str]:
    """The package names of the README's ``sudo <tool> install`` line (continuations joined)."""
    text = README.read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(rf"^sudo {tool} install (.+)$", text, re.MULTILINE)
    assert match, f"the README has no 'sudo {tool} install' line"
    return set(match.group(1).split())


def _linked_sonames(library: Path) -> list[str]:
    ldd = shutil.which("ldd")
    if ldd is None:
        pytest.skip("ldd is not available")
    result = subprocess.run([ldd, str(library)], capture_output=True, text=True, check=False)
    return re.findall(r"^\s*(\S+\.so[.\d]*)\s+=>", result.stdout, re.MULTILINE)


def test_the_readme_apt_line_names_every_package_the_preflight_expects() -> None:
    assert set(DEBIAN_GUI_PACKAGES) <= _install_line("apt-get")


def test_the_readme_names_the_system_libraries_qtcore_links() -> None:
    pyside = _pyside_dir()
    core = None if pyside is None else pyside / "Qt" / "lib" / "libQt6Core.so.6"
    if core is None or not core.is_file():
        pytest.skip("PySide6's Linux QtCore is not installed here")
    known = [
        SYSTEM_PACKAGES[name.split(".so", 1)[0]]
        for name in _linked_sonames(core)
        if name.split(".so", 1)[0] in SYSTEM_PACKAGES
    ]
    assert ("libglib2.0-0", "glib2") in known  # the library this test was written for
    apt, dnf = _install_line("apt-get"), _install_line("dnf")
    for debian, fedora in known:
        assert debian in apt and fedora in dnf, (debian, fedora)
