"""The preview picture A1111 keeps beside an add-on: ``NAME.png`` or ``NAME.preview.png``.

Read through :func:`studio.domain.files.read_user_bytes` (special files refused, bounded), once
per file, and shrunk to an icon. A missing or broken preview is simply no picture: it is the
user's decoration, not something to warn about.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap

from studio.domain.errors import ImageReadError, StudioError
from studio.domain.files import read_user_bytes
from studio.domain.model_kind import AddonInfo

log = logging.getLogger(__name__)

MAX_PREVIEW_BYTES = 8 * 1024 * 1024  # A1111 previews are a few hundred kB
ICON_SIZE = 48
PREVIEWS_PER_TURN = 4  # read per event-loop turn by a list that shows many (~10 ms each)


def preview_paths(addon: AddonInfo) -> list[Path]:
    """Where a preview of ``addon`` may be, in the order A1111 looks."""
    path = Path(addon.location)
    return [path.with_name(f"{path.stem}{suffix}") for suffix in (".preview.png", ".png")]


class AddonThumbnails:
    """Icons of add-on previews, each file read at most once per session."""

    def __init__(self, size: int = ICON_SIZE) -> None:
        self._size = size
        self._icons: dict[str, QIcon | None] = {}

    def is_read(self, addon: AddonInfo) -> bool:
        """Whether :meth:`icon` answers ``addon`` without reading a file."""
        return addon.location in self._icons

    def icon(self, addon: AddonInfo) -> QIcon | None:
        """The preview of ``addon`` as an icon, or ``None`` when it has none that decodes."""
        if addon.location not in self._icons:
            self._icons[addon.location] = self._read(addon)
        return self._icons[addon.location]

    def _read(self, addon: AddonInfo) -> QIcon | None:
        for path in preview_paths(addon):
            if not path.is_file():
                continue
            try:
                data = read_user_bytes(
                    path, max_bytes=MAX_PREVIEW_BYTES, what="add-on preview", error=ImageReadError
                )
            except (StudioError, OSError) as exc:
                log.info("no preview for %s: %s", addon.name, exc)
                continue
            image = QImage.fromData(data)
            if image.isNull():
                log.info("no preview for %s: %s does not decode", addon.name, path)
                continue
            return self._square(image)
        return None

    def blank(self) -> QIcon:
        """An empty icon of the same size, so names without a preview line up with the rest."""
        return self._square(None)

    def _square(self, image: QImage | None) -> QIcon:
        # Previews come in any aspect; centred on a square canvas every name starts at one x.
        canvas = QPixmap(self._size, self._size)
        canvas.fill(Qt.GlobalColor.transparent)
        if image is not None:
            scaled = image.scaled(
                self._size,
                self._size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            painter = QPainter(canvas)
            x, y = (self._size - scaled.width()) // 2, (self._size - scaled.height()) // 2
            painter.drawImage(x, y, scaled)
            painter.end()
        return QIcon(canvas)
