"""Image edits that can take seconds (matting, dithering) run on Qt's thread pool.

Never on the GUI thread: Remove Background's first run compiles its kernels for up to a
minute. Every task ends in exactly one of ``finished`` or ``failed``, whatever it raises.

The engine's thread stays free for generation. A task computes new pixels from old ones with
a pure studio.imaging function and hands them to the GUI thread through a relay object that
lives there (a queued signal), where they become a new history entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QRunnable, Signal

from studio.diagnostics.error_log import report_bug
from studio.domain.errors import StudioError

# pixels -> (new pixels, facts for the recipe)
ImagingEdit = Callable[[np.ndarray], tuple[np.ndarray, dict[str, Any]]]


class ImagingRelay(QObject):
    """Created on the GUI thread; pool threads emit through it.

    Signals
    -------
    finished(int, str, object)
        Source entry id, edit kind, ``(pixels, recipe facts)``.
    failed(int, str, str)
        Source entry id, edit kind, the one-line reason.
    """

    finished = Signal(int, str, object)
    failed = Signal(int, str, str)


class ImagingTask(QRunnable):
    """Runs one :data:`ImagingEdit` on a copy of an entry's pixels."""

    def __init__(
        self, entry_id: int, kind: str, pixels: np.ndarray, edit: ImagingEdit, relay: ImagingRelay
    ) -> None:
        super().__init__()
        self._entry_id, self._kind, self._pixels = entry_id, kind, pixels
        self._edit, self._relay = edit, relay

    def run(self) -> None:
        # Every way out reports, so the window's "working" state always ends (an exception
        # escaping run() is only printed by Qt, and the status said "Pixelating…" forever).
        try:
            result = self._edit(self._pixels)
        except StudioError as exc:
            self._relay.failed.emit(self._entry_id, self._kind, str(exc))
        except Exception as exc:  # a bug: logged, and the user told where
            self._relay.failed.emit(self._entry_id, self._kind, report_bug(exc, "The edit"))
        else:
            self._relay.finished.emit(self._entry_id, self._kind, result)
