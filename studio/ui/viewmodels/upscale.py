"""The Upscale dialog's state: which upscaler, by how much, whether the tiling is kept.

The upscalers on offer are nearest neighbour (pixel art's whole-factor enlargement, no model)
and the upscaler files the engine found in the added model folders (``EngineFacade``'s
``addons_changed``, :class:`~studio.domain.model_kind.ModelKind` ``UPSCALER``). The view-model
builds the :class:`~studio.domain.upscale_request.UpscaleRequest` for the entry and the one for
its before/after preview, a small crop of the same image.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import QObject, Signal

from studio.domain.history import HistoryEntry
from studio.domain.image_requests import EditSource
from studio.domain.job_kind import JobKind
from studio.domain.model_kind import AddonInfo, ModelKind
from studio.domain.upscale_request import NEAREST, UpscaleRequest
from studio.imaging.pixels import upscale_nearest
from studio.ui.edit_scope import recipe_tiling
from studio.ui.properties import Property, ViewModel

NEAREST_LABEL = "Nearest (pixel art)"
NO_UPSCALERS = (
    "Add an ESRGAN/Real-ESRGAN file's folder with File > Add Model Folder… to upscale with a model."
)
MODEL_OWN = 0  # the scale that means "the model's own factor" (4 for most ESRGANs)
MODEL_SCALES = (MODEL_OWN, 2, 3, 4)
NEAREST_SCALES = (2, 3, 4, 6, 8)
PREVIEW_SIDE = 128  # the crop shown before/after, in source pixels


class UpscaleViewModel(ViewModel):
    """The choices of one Upscale dialog, for one history entry.

    Parameters
    ----------
    addons
        Every add-on the engine found; only the upscalers are offered.
    tiling
        ``(tile_x, tile_y)`` of the entry's recipe: "Keep it tiling" is offered (and checked)
        only for an image made to tile.

    Signals
    -------
    upscaler_changed(str), scale_changed(int), keep_tiling_changed(bool)
        A choice changed (a new preview is due).
    """

    upscaler = Property(NEAREST)
    scale = Property(2)
    keep_tiling = Property(False)

    upscaler_changed = Signal(object)
    scale_changed = Signal(object)
    keep_tiling_changed = Signal(object)

    def __init__(
        self,
        addons: Iterable[AddonInfo],
        tiling: tuple[bool, bool] = (False, False),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        found = [a for a in addons if a.kind is ModelKind.UPSCALER]
        self._models = sorted(found, key=lambda a: a.name.casefold())
        self._tiling = tiling
        self.keep_tiling = self.tiling_offered
        # Another upscaler starts at its own default: a model's own factor, nearest's 2x.
        self.upscaler_changed.connect(lambda _: setattr(self, "scale", self.scales()[0][1]))

    # -- what is on offer -------------------------------------------------------------------

    def upscalers(self) -> list[tuple[str, str]]:
        """``(label, value)`` of each upscaler: nearest first, then the model files by name.

        A model's value is its file's path, so two files of one name stay apart.
        """
        return [(NEAREST_LABEL, NEAREST)] + [(a.name, a.location) for a in self._models]

    def empty_text(self) -> str:
        """What the dialog says when no upscaler model was found, else ``""``."""
        return "" if self._models else NO_UPSCALERS

    @property
    def is_nearest(self) -> bool:
        return self.upscaler == NEAREST

    def scales(self) -> list[tuple[str, int]]:
        """``(label, factor)`` for the chosen upscaler: whole factors for nearest; the model's
        own (:data:`MODEL_OWN`) first for a model."""
        if self.is_nearest:
            return [(f"{n}×", n) for n in NEAREST_SCALES]
        return [("The model's own", MODEL_OWN)] + [(f"{n}×", n) for n in MODEL_SCALES[1:]]

    @property
    def tiling_offered(self) -> bool:
        """Whether the entry tiles along any axis (its recipe says Tile X or Y)."""
        return any(self._tiling)

    # -- requests ---------------------------------------------------------------------------

    def build_request(self, pixels: np.ndarray, source: EditSource) -> UpscaleRequest:
        """The upscale of the whole entry, as chosen."""
        keep = self.keep_tiling and self.tiling_offered
        return UpscaleRequest(
            pixels,
            model=self.upscaler,
            scale=self.scale or None,
            tile_x=keep and self._tiling[0],
            tile_y=keep and self._tiling[1],
            name=f"#{source.entry_id}" if source.entry_id else "the image",
            source=source,
        )

    def preview_request(self, crop: np.ndarray) -> UpscaleRequest:
        """The same upscale of the preview crop (a crop has no wrap to keep)."""
        return UpscaleRequest(
            crop, model=self.upscaler, scale=self.scale or None, name="the preview"
        )

    def nearest_preview(self, crop: np.ndarray) -> np.ndarray:
        """Nearest's result for the crop, made at once (block copies, no model)."""
        return upscale_nearest(crop, self.scale or 2)


def entry_tiling(entry: HistoryEntry) -> tuple[bool, bool]:
    """``(tile_x, tile_y)`` of a history entry: what its recipe was generated with, and both
    for a Make Seamless result (made to tile, whatever its source was)."""
    if entry.kind == JobKind.TILE:
        return True, True
    return recipe_tiling(entry.recipe)


def preview_crop(pixels: np.ndarray, side: int = PREVIEW_SIDE) -> np.ndarray:
    """The centre ``side`` x ``side`` pixels of ``pixels`` (all of a smaller image), where a
    sprite's detail usually is."""
    height, width = pixels.shape[:2]
    rows, cols = min(side, height), min(side, width)
    top, left = (height - rows) // 2, (width - cols) // 2
    return np.ascontiguousarray(pixels[top : top + rows, left : left + cols])
