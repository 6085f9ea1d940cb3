"""The Generate workspace as a view-model: everything the next Generate asks for, no widgets.

The prompt panel and the canvas-edit panel bind their widgets to one
:class:`GenerateViewModel` (:func:`studio.ui.properties.bind`); :meth:`build_request` turns it
into the whole request, the canvas's painted mask and outpaint included. Restoring from a
stored request goes through :meth:`GenerationRequest.from_dict`, so a recipe is checked by the
same rules as a new request instead of being re-parsed field by field here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from studio.domain.errors import InvalidRequestError
from studio.domain.hires import DEFAULT_HIRES_UPSCALER
from studio.domain.model_kind import AddonInfo
from studio.domain.models import ModelFamily, ModelInfo, ModelSource
from studio.domain.requests import GenerationRequest
from studio.domain.samplers import DEFAULT_SAMPLER
from studio.imaging.png import encode_png
from studio.ops.request_defaults import defaults_for
from studio.ui.properties import Property, ViewModel
from studio.ui.viewmodels.control import ControlViewModel
from studio.ui.viewmodels.few_step import FewStepFollower
from studio.ui.viewmodels.reference import ReferenceViewModel

# (margins, fill) of an outpaint the canvas shows, or None
Outpaint = tuple[tuple[int, int, int, int], str] | None


@dataclass(frozen=True)
class CanvasSnapshot:
    """What the canvas adds to a Generate: its painted mask, and its pixels under the mask.

    Parameters
    ----------
    mask_png
        The painted mask as PNG (``None``: nothing painted, a plain Generate).
    pixels
        The canvas image as RGBA pixels (``None``: no image shown).
    """

    mask_png: bytes | None = None
    pixels: np.ndarray | None = None


class GenerateViewModel(ViewModel):
    """What the next Generate will ask for; see the module docstring.

    The persisted properties (the request's settings and whether the seed is locked) are what
    a project saves with its panel. Tiling and the mask settings belong to the image on the
    canvas (:mod:`studio.ui.edit_scope`), the init image and the outpaint to this session.
    """

    prompt = Property("", persist=True)
    negative_prompt = Property("", persist=True)
    model = Property("", persist=True)
    sampler = Property(DEFAULT_SAMPLER, persist=True)
    steps = Property(25, persist=True)
    cfg_scale = Property(7.0, persist=True)
    width = Property(512, persist=True)
    height = Property(512, persist=True)
    seed: Property[int | None] = Property(None, persist=True)
    batch_count = Property(1, persist=True)
    strength = Property(0.75, persist=True)
    transparent_background = Property(False, persist=True)
    transparent: Property[str | None] = Property(None, persist=True)  # native, or matte
    alpha = Property("crisp", persist=True)
    seed_locked = Property(False, persist=True)
    # A1111's hires fix: off keeps the scale for next time; text-to-image only (as A1111).
    hires_enabled = Property(False, persist=True)
    hires_scale = Property(2.0, persist=True)
    hires_upscaler = Property(DEFAULT_HIRES_UPSCALER, persist=True)
    hires_steps = Property(0, persist=True)
    hires_width = Property(0, persist=True)
    hires_height = Property(0, persist=True)
    step_cache = Property(0, persist=True)  # Advanced: 0 is off
    # The image-to-image source: a request carries it as bytes, a stored recipe as its hash.
    init_image: Property[bytes | None] = Property(None)
    tile_x = Property(False)
    tile_y = Property(False)
    mask_blur = Property(4)
    only_masked = Property(False)
    only_masked_padding = Property(32)
    outpaint: Property[Outpaint] = Property(None)
    models: Property[tuple[ModelInfo, ...]] = Property(())
    addons: Property[tuple[AddonInfo, ...]] = Property(())  # whether native can be offered
    busy = Property(False)
    # "Lightning 4-step LoRA: 4 steps, CFG 1, Euler trailing" beside the steps, or "".
    few_step_note = Property("")

    prompt_changed = Signal(object)
    negative_prompt_changed = Signal(object)
    model_changed = Signal(object)
    sampler_changed = Signal(object)
    steps_changed = Signal(object)
    cfg_scale_changed = Signal(object)
    width_changed = Signal(object)
    height_changed = Signal(object)
    seed_changed = Signal(object)
    batch_count_changed = Signal(object)
    strength_changed = Signal(object)
    transparent_background_changed = Signal(object)
    transparent_changed = Signal(object)
    alpha_changed = Signal(object)
    seed_locked_changed = Signal(object)
    hires_enabled_changed = Signal(object)
    hires_scale_changed = Signal(object)
    hires_upscaler_changed = Signal(object)
    hires_steps_changed = Signal(object)
    hires_width_changed = Signal(object)
    hires_height_changed = Signal(object)
    step_cache_changed = Signal(object)
    init_image_changed = Signal(object)
    tile_x_changed = Signal(object)
    tile_y_changed = Signal(object)
    mask_blur_changed = Signal(object)
    only_masked_changed = Signal(object)
    only_masked_padding_changed = Signal(object)
    outpaint_changed = Signal(object)
    models_changed = Signal(object)
    addons_changed = Signal(object)
    busy_changed = Signal(object)
    few_step_note_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.control = ControlViewModel(self)  # the Control panel's ControlNet units
        self.control.pose_size = lambda: (self.width, self.height)  # a pose drawn to fit
        self.reference = ReferenceViewModel(self)  # the IP-Adapter reference images
        self._few_step = FewStepFollower(self)
        self.prompt_changed.connect(self._few_step.update)
        self.model_changed.connect(self._few_step.update)
        self.models_changed.connect(self._few_step.update)

    @classmethod
    def request_settings(cls) -> tuple[str, ...]:
        """The names shared with :class:`GenerationRequest` that a recipe restores."""
        return tuple(name for name in cls.properties() if name not in _PANEL_ONLY and _saved(name))

    def build_request(self, canvas: CanvasSnapshot | None = None) -> GenerationRequest:
        """The request Generate submits (a random seed unless the seed is locked).

        With a painted mask it inpaints the canvas image: at the canvas size unless "only
        masked" crops around the mask, at full strength unless an init image was chosen.
        Hires fix applies to text-to-image only, as in A1111 (its img2img has none).

        Raises
        ------
        InvalidRequestError
            If a value is out of range, a mask is painted with no image under it, or a
            control or a reference has no image; the message says which and how to fix it.
        """
        values: dict[str, Any] = {name: getattr(self, name) for name in self.request_settings()}
        if not self.seed_locked:
            values["seed"] = None
        if not self.transparent_background:  # the method stays chosen for next time
            values["transparent"] = None
        text_only = self.init_image is None and (canvas is None or canvas.mask_png is None)
        if not (self.hires_enabled and text_only):
            values.update(hires_scale=1.0, hires_width=0, hires_height=0)
        if self._builtin_model():
            values["step_cache"] = 0  # greyed out there: kept for the next SD model, not used
        request = GenerationRequest(
            **values,
            init_image=self.init_image,
            tile_x=self.tile_x,
            tile_y=self.tile_y,
            controls=self.control.specs(),
            references=self.reference.specs(),
        )
        if canvas is None or canvas.mask_png is None:
            return request
        if canvas.pixels is None:
            raise InvalidRequestError("The mask has no image under it: show an image first.")
        height, width = canvas.pixels.shape[:2]
        # One replace: the request checks its fields together (an outpaint needs its size).
        changes: dict[str, Any] = {} if self.only_masked else {"width": width, "height": height}
        if self.outpaint is not None:
            changes["outpaint"], changes["outpaint_fill"] = self.outpaint
        return replace(
            request,
            init_image=encode_png(canvas.pixels),
            mask_image=canvas.mask_png,
            mask_blur=self.mask_blur,
            only_masked=self.only_masked,
            only_masked_padding=self.only_masked_padding,
            strength=1.0 if request.init_image is None else request.strength,
            **changes,
        )

    def _builtin_model(self) -> bool:
        info = next((info for info in self.models if info.id == self.model), None)
        if info is None:
            return False
        return info.source is ModelSource.BUILTIN or info.family is ModelFamily.BUILTIN

    def apply_request(self, data: dict[str, Any], *, lock_seed: bool = True) -> None:
        """Take the settings a stored request names (history, a dropped PNG, a project).

        Only the keys ``data`` holds change: a recipe read from another tool's PNG that names
        no batch size leaves the batch size alone.

        Raises
        ------
        InvalidRequestError
            If the stored request breaks a rule a new request must keep; nothing changes then.
        """
        request = GenerationRequest.from_dict(data)
        for name in self.request_settings():
            if name in data and not (name == "model" and not request.model):
                setattr(self, name, getattr(request, name))
        if "schema" in data or any(name.startswith("hires_") for name in data):
            # A whole recipe says whether it used hires fix; its defaults were not written.
            self.hires_enabled = request.has_hires
            for name in _HIRES_FIELDS if request.has_hires else ():
                setattr(self, name, getattr(request, name))
        if "controls" in data:
            self.control.take(request.controls)
        if "references" in data:
            self.reference.references = request.references
        if lock_seed and request.seed is not None:
            self.seed_locked = True

    def take_model_defaults(self, info: ModelInfo) -> None:
        """Take what ``info`` sets apart (its size, a Turbo model's steps and guidance).

        The defaults are the ones every face takes (:func:`studio.ops.request_defaults.
        defaults_for`); only the model-specific ones, so the user's own steps survive a
        switch between two ordinary models.
        """
        for name, value in defaults_for(info).specific_fields().items():
            setattr(self, name, value)

    def show_used_seed(self, seed: int) -> None:
        """Display the seed a random-seed run used, so locking it reproduces the image."""
        if not self.seed_locked:
            self.seed = seed

    def state(self) -> dict[str, Any]:
        """Everything needed to restore the panel when the project is reopened."""
        data = self.persisted()
        if data["seed"] is None:
            del data["seed"]
        return data

    def restore_state(self, data: dict[str, Any]) -> None:
        """Undo :meth:`state` (a project's saved panel); a missing seed means a random one.

        Raises
        ------
        InvalidRequestError
            If the saved panel breaks a request rule (a damaged or hand-edited project).
        """
        self.apply_request(
            {key: value for key, value in data.items() if key not in _PANEL_ONLY}, lock_seed=False
        )
        self.seed_locked = bool(data.get("seed_locked", False))
        self.hires_enabled = bool(data.get("hires_enabled", False))
        if "seed" not in data:
            self.seed = None


_HIRES_FIELDS = ("hires_scale", "hires_upscaler", "hires_steps", "hires_width", "hires_height")
_PANEL_ONLY = ("seed_locked", "hires_enabled")
"""Persisted settings of the panel that are not request fields."""


def _saved(name: str) -> bool:
    return GenerateViewModel.properties()[name].persist
