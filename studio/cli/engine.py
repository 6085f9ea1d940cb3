"""The engine a command runs on: the user's engine settings and the device it asks for."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio.engine.service import EngineService


def open_engine(command: str, device: str | None, fast: bool = False) -> EngineService:
    """An engine with the saved settings, on ``device`` or else the settings' device.

    A damaged settings file does not stop the command: the defaults are used and a warning
    naming ``studio COMMAND`` goes to stderr. The engine is imported here, not at module
    level, so ``studio --help`` never loads torch.

    Parameters
    ----------
    command
        The subcommand's name, for the warning (``"generate"``).
    device
        ``--device`` as given, or ``None``.
    fast
        ``--fast``: Stable Diffusion models load on the fast path whatever the settings say.
    """
    from dataclasses import replace

    from studio.engine.service import EngineService
    from studio.project.settings import load_engine_settings

    settings, warning = load_engine_settings()
    if warning:
        print(f"studio {command}: warning: {warning}", file=sys.stderr)
    if fast:
        settings = replace(settings, fast_path=True)
    return EngineService(settings, device_preference=device or settings.device)
