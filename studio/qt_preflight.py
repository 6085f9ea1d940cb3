"""Can the Qt platform plugin load? Asked before any QApplication exists, without importing Qt.

When the xcb plugin cannot load, Qt aborts the process (SIGABRT) with a message that names the
wrong package ("xcb-cursor0 or libxcb-cursor0 is needed" even when that one is installed and
``libxcb-icccm.so.4`` is what is missing). Here the plugin's own dependency list is resolved with
``ldd`` and every library that is not found is named, with the ``apt-get``/``dnf`` line that
installs it. Nothing here imports Qt, so the CLI's ``studio doctor`` can ask the same question.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# Base name of a library (its soname without ".so.N") -> (Debian/Ubuntu package, Fedora package).
# These are the libraries PySide6's xcb plugin and QtGui need beyond a bare Python install.
SYSTEM_PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image": ("libxcb-image0", "xcb-util-image"),
    "libxcb-util": ("libxcb-util1", "xcb-util"),
    "libxcb-render-util": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape": ("libxcb-shape0", "libxcb"),
    "libxcb-xinerama": ("libxcb-xinerama0", "libxcb"),
    "libxcb-randr": ("libxcb-randr0", "libxcb"),
    "libxcb-shm": ("libxcb-shm0", "libxcb"),
    "libxcb-sync": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes": ("libxcb-xfixes0", "libxcb"),
    "libxcb-render": ("libxcb-render0", "libxcb"),
    "libxcb-xkb": ("libxcb-xkb1", "libxcb"),
    "libxcb": ("libxcb1", "libxcb"),
    "libX11-xcb": ("libx11-xcb1", "libX11-xcb"),
    "libX11": ("libx11-6", "libX11"),
    "libxkbcommon-x11": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon": ("libxkbcommon0", "libxkbcommon"),
    "libGL": ("libgl1", "libglvnd-glx"),
    "libEGL": ("libegl1", "libglvnd-egl"),
    "libOpenGL": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig": ("libfontconfig1", "fontconfig"),
    "libfreetype": ("libfreetype6", "freetype"),
    "libdbus-1": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0": ("libglib2.0-0", "glib2"),
}

# What the README tells a new user to install up front (the list the lead verified on Debian).
DEBIAN_GUI_PACKAGES = (
    *("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0"),
    *("libxcb-image0", "libxcb-render-util0", "libxcb-shape0", "libxcb-xinerama0"),
    *("libxcb-randr0", "libegl1", "libgl1", "libfontconfig1", "libdbus-1-3"),
    "libglib2.0-0",  # QtCore itself links GLib; slim Debian/Ubuntu images lack it
)

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
_PLUGIN_FILES = {"xcb": "libqxcb.so", "wayland": "libqwayland.so"}


@dataclass(frozen=True)
class PlatformCheck:
    """The answer of :func:`check_qt_platform`.

    Parameters
    ----------
    platform
        The Qt platform plugin that would be used (``xcb``, ``wayland``, ``offscreen`` ...).
    plugin
        Its file, when one was looked for.
    missing
        Libraries the plugin needs that the system does not have (sonames).
    problem
        Why the window cannot open, one sentence; empty when it can.
    """

    platform: str
    plugin: Path | None = None
    missing: tuple[str, ...] = ()
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def _pyside_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def plugin_folder() -> Path | None:
    """Where Qt will look for platform plugins (``QT_QPA_PLATFORM_PLUGIN_PATH`` first)."""
    override = os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH")
    if override:
        return Path(override)
    pyside = _pyside_dir()
    return None if pyside is None else pyside / "Qt" / "plugins" / "platforms"


def chosen_platform(environ: dict[str, str] | None = None) -> str:
    """The platform Qt picks on this desktop: ``QT_QPA_PLATFORM``, else Wayland or xcb."""
    env = os.environ if environ is None else environ
    explicit = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if explicit:
        return explicit
    if sys.platform != "linux":
        return "native"
    if env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def missing_libraries(library: Path) -> tuple[str, ...]:
    """Sonames that ``library`` needs (directly or not) and the dynamic loader cannot find.

    Qt's own libraries are looked up in PySide6's folder, as the plugin's RUNPATH does, so a
    plugin copied elsewhere (the tests do) is judged only by the system libraries.
    """
    env = dict(os.environ)
    pyside = _pyside_dir()
    if pyside is not None:
        qt_lib = str(pyside / "Qt" / "lib")
        env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [qt_lib, env.get("LD_LIBRARY_PATH")]))
    ldd = shutil.which("ldd")
    if ldd is None:
        return ()
    result = subprocess.run(
        [ldd, str(library)], capture_output=True, text=True, env=env, timeout=30, check=False
    )
    return tuple(dict.fromkeys(_NOT_FOUND.findall(result.stdout)))


def _base_name(soname: str) -> str:
    return soname.split(".so", 1)[0]


def packages_for(sonames: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Debian and Fedora package names that provide ``sonames`` (a best guess for unknown ones)."""
    debian: list[str] = []
    fedora: list[str] = []
    for soname in sonames:
        base = _base_name(soname)
        known = SYSTEM_PACKAGES.get(base)
        if known is None:
            # Debian names a library package after its soname: libfoo.so.3 -> libfoo3.
            version = soname.split(".so.", 1)[1].split(".")[0] if ".so." in soname else ""
            joiner = "-" if base[-1:].isdigit() else ""
            known = ((base + joiner + version).lower(), base)
        for names, name in ((debian, known[0]), (fedora, known[1])):
            if name not in names:
                names.append(name)
    return debian, fedora


def check_qt_platform(environ: dict[str, str] | None = None) -> PlatformCheck:
    """Whether the window can open here; never imports Qt and never aborts."""
    env = os.environ if environ is None else environ
    platform = chosen_platform(env)
    if platform not in _PLUGIN_FILES:
        return PlatformCheck(platform)  # offscreen, minimal, macOS, Windows: nothing to resolve
    folder = plugin_folder()
    if folder is None:
        return PlatformCheck(platform, problem="PySide6 is not installed: reinstall Studio.")
    plugin = folder / _PLUGIN_FILES[platform]
    if not plugin.is_file():
        return PlatformCheck(
            platform, plugin, problem=f"Qt's {platform} platform plugin is missing ({plugin})."
        )
    # Both problems are named when both hold: a user on a headless machine who installs the
    # libraries first would otherwise meet the second message only after the first fix.
    missing = missing_libraries(plugin)
    problems = []
    if missing:
        problems.append(f"Qt's {platform} plugin cannot load: missing {', '.join(missing)}.")
    if platform == "xcb" and not env.get("DISPLAY"):
        problems.append("No X display (DISPLAY is not set): start Studio from a desktop session.")
    return PlatformCheck(platform, plugin, missing, problem=" ".join(problems))


def explain(check: PlatformCheck) -> str:
    """The message for a user whose window cannot open: what is wrong and the line that fixes it."""
    lines = [f"studio: the window cannot open. {check.problem}"]
    if check.missing:
        debian, fedora = packages_for(check.missing)
        lines.append(f"  Debian/Ubuntu: sudo apt-get install {' '.join(debian)}")
        lines.append(f"  Fedora:        sudo dnf install {' '.join(fedora)}")
    lines.append("  The command-line tools work without a display: studio --help.")
    return "\n".join(lines)
