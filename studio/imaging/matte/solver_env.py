"""pymatting without its side effects: compiled code cached in Studio's cache, chatter logged.

Importing pymatting compiles about 30 numba functions (they carry eager signatures), which
takes 40-80 s. numba can keep the machine code on disk (pymatting asks for ``cache=True``), but
by default next to pymatting's sources, which a system or read-only install cannot write, so
every run paid the compile again. :func:`configure_numba_cache` points numba at
``<Studio's cache>/numba`` (``NUMBA_CACHE_DIR``) before numba is imported, so only the first
run compiles. A user who set ``NUMBA_CACHE_DIR`` keeps it.

pymatting prints to stdout (its incomplete-Cholesky "PERFORMANCE WARNING" is six lines) and
numba and pymatting warn through :mod:`warnings`; :func:`quiet_solver` sends both to Studio's
log (:mod:`studio.diagnostics.error_log`) instead of the terminal.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import warnings
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from types import ModuleType
from typing import Any

from studio.domain.cache_dir import studio_cache_dir

ENV_NUMBA_CACHE_DIR = "NUMBA_CACHE_DIR"
NUMBA_FOLDER = "numba"

_log = logging.getLogger("studio.matte")


def configure_numba_cache(environ: MutableMapping[str, str] = os.environ) -> Path | None:
    """Make numba keep compiled functions in ``<Studio's cache>/numba``.

    Parameters
    ----------
    environ
        The environment to read and set (the process's by default).

    Returns
    -------
    Path or None
        The folder numba caches in, or ``None`` when the user's ``NUMBA_CACHE_DIR`` is empty
        (numba's default) or Studio's folder cannot be created (numba then compiles each run,
        which is slow but works).
    """
    chosen = environ.get(ENV_NUMBA_CACHE_DIR)
    if chosen is not None:
        return Path(chosen) if chosen else None
    folder = studio_cache_dir(environ) / NUMBA_FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        _log.warning("numba cache folder %s cannot be created: %s", folder, error)
        return None
    environ[ENV_NUMBA_CACHE_DIR] = str(folder)
    # numba reads the environment once, on import; if it is loaded already, tell it directly.
    config: Any = sys.modules.get("numba.core.config")  # its settings are plain attributes
    if config is not None and environ is os.environ:
        config.CACHE_DIR = str(folder)
    return folder


@contextlib.contextmanager
def quiet_solver() -> Iterator[None]:
    """Send what pymatting and numba print or warn inside the block to the log.

    ``redirect_stdout`` swaps ``sys.stdout`` for the whole process while the block runs; the
    solver runs for seconds at most and the GUI prints nothing meanwhile, so nothing else is
    swallowed in practice (and what is still reaches the log).
    """
    printed = io.StringIO()
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(printed):
            warnings.simplefilter("always")
            yield
    finally:
        for message in caught:
            _log.warning("%s: %s", message.category.__name__, message.message)
        text = printed.getvalue().strip()
        if text:
            _log.warning("pymatting printed: %s", " | ".join(text.splitlines()))


def load_pymatting() -> ModuleType:
    """Import pymatting with numba's cache in Studio's folder and its chatter in the log."""
    if "pymatting" not in sys.modules:
        configure_numba_cache()
    with quiet_solver():
        import pymatting
    return pymatting
