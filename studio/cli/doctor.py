"""``studio doctor``: what this machine has and lacks for Studio, one fact a line.

Python, torch and the device it will use (with its free and used memory), whether the window
can open (the same preflight the launcher runs, so it names the system packages to install),
free disk, and Studio's folders.
Exits 1 when something Studio needs is missing, so scripts can ask too.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
from pathlib import Path

from studio.cli.command import Command

LOW_DISK_BYTES = 2 * 1024**3  # converted style weights and a few SD models need more than this


COMMAND = Command(
    "doctor",
    "check this machine: Python, torch, display, disk, folders",
    "Check what Studio needs on this machine and say what is missing.",
)


def _torch_lines() -> tuple[list[str], str | None]:
    try:
        import torch
    except ImportError:
        return ["torch: not installed"], "torch is missing: pip install -e . in Studio's folder."
    from studio.cli.doctor_memory import accelerator_memory_line

    if torch.cuda.is_available():
        device = f"cuda ({torch.cuda.get_device_name(0)})"
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        device = "mps"
    else:
        device = f"cpu ({torch.get_num_threads()} threads)"
    return [f"torch: {torch.__version__}, device {device}", accelerator_memory_line(torch)], None


def _folder_line(label: str, folder: Path) -> str:
    state = "exists" if folder.is_dir() else "not created yet"
    return f"{label}: {folder} ({state})"


def _existing_parent(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


@COMMAND.runs
def run(args: argparse.Namespace) -> int:
    from studio.engine.resources import builtin_models_dir
    from studio.engine.style.paths import default_cache_dir
    from studio.project.paths import default_config_dir, default_data_dir
    from studio.qt_preflight import check_qt_platform, explain

    problems: list[str] = []
    print(f"Python: {platform.python_version()} ({sys.executable})")
    lines, problem = _torch_lines()
    print("\n".join(lines))
    problems += [problem] if problem else []

    check = check_qt_platform()
    print(f"Qt platform: {check.platform}" + ("" if check.ok else f" - {check.problem}"))
    if not check.ok:
        problems.append(explain(check))

    cache = default_cache_dir()
    free = shutil.disk_usage(_existing_parent(cache)).free
    print(f"Free disk (cache folder): {free / 1024**3:.1f} GiB")
    if free < LOW_DISK_BYTES:
        problems.append(f"Less than 2 GiB free under {cache}: free some space.")
    print(_folder_line("Cache folder", cache))
    print(_folder_line("Settings folder", default_config_dir()))
    print(_folder_line("Data folder", default_data_dir()))
    models = builtin_models_dir()
    print(_folder_line("Built-in models", models))
    if not models.is_dir() or not any(models.iterdir()):
        problems.append(f"The built-in models are missing from {models}: reinstall Studio.")

    if not problems:
        print("Nothing is missing.")
        return 0
    print("Missing:")
    for text in problems:
        print(f"- {text}")
    return 1
