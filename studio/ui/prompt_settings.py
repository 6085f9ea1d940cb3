"""The prompt panel's state as an observable view-model (no widgets).

Each setting is a property whose ``<name>_changed`` signal fires only when the value really
changes, as krita-ai-diffusion's properties do: widgets bind to it in both directions without
feedback loops, and tests can drive the panel's state without touching a widget. Restoring
from a stored request goes through :meth:`GenerationRequest.from_dict`, so a recipe is checked
by the same rules as a new request instead of being re-parsed field by field here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.domain.requests import GenerationRequest
from studio.domain.samplers import DEFAULT_SAMPLER

# Setting -> default. The names are GenerationRequest's, so a request maps onto them directly.
DEFAULTS: dict[str, Any] = {
    "prompt": "",
    "negative_prompt": "",
    "model": "",
    "sampler": DEFAULT_SAMPLER,
    "steps": 25,
    "cfg_scale": 7.0,
    "width": 512,
    "height": 512,
    "seed": None,
    "batch_count": 1,
    "strength": 0.75,
    "transparent_background": False,
    "alpha": "crisp",
}


def _observable(name: str) -> property:
    def get(self: PromptSettings) -> Any:
        return self._values[name]

    def set_(self: PromptSettings, value: Any) -> None:
        if self._values[name] == value and type(self._values[name]) is type(value):
            return
        self._values[name] = value
        getattr(self, f"{name}_changed").emit(value)

    return property(get, set_, doc=f"The panel's {name.replace('_', ' ')}.")


class PromptSettings(QObject):
    """What the next Generate will ask for; see the module docstring."""

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
    alpha_changed = Signal(object)
    seed_locked_changed = Signal(object)
    init_image_changed = Signal(object)

    prompt = _observable("prompt")
    negative_prompt = _observable("negative_prompt")
    model = _observable("model")
    sampler = _observable("sampler")
    steps = _observable("steps")
    cfg_scale = _observable("cfg_scale")
    width = _observable("width")
    height = _observable("height")
    seed = _observable("seed")
    batch_count = _observable("batch_count")
    strength = _observable("strength")
    transparent_background = _observable("transparent_background")
    alpha = _observable("alpha")
    seed_locked = _observable("seed_locked")
    init_image = _observable("init_image")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Besides the request's settings: whether the seed is reused, and the image-to-image
        # source (a request carries it as bytes, a stored recipe only as its hash).
        self._values: dict[str, Any] = {**DEFAULTS, "seed_locked": False, "init_image": None}

    def to_request(self) -> GenerationRequest:
        """The request Generate submits (a random seed unless the seed is locked).

        Raises
        ------
        InvalidRequestError
            If a value is out of range; the message says which and how to fix it.
        """
        values = {name: self._values[name] for name in DEFAULTS}
        if not self.seed_locked:
            values["seed"] = None
        return GenerationRequest(**values, init_image=self.init_image)

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
        for name in DEFAULTS:
            if name in data and not (name == "model" and not request.model):
                setattr(self, name, getattr(request, name))
        if lock_seed and request.seed is not None:
            self.seed_locked = True

    def state(self) -> dict[str, Any]:
        """Everything needed to restore the panel when the project is reopened."""
        data = {name: self._values[name] for name in DEFAULTS if name != "seed"}
        data["seed_locked"] = self.seed_locked
        if self.seed is not None:
            data["seed"] = self.seed
        return data

    def restore_state(self, data: dict[str, Any]) -> None:
        """Undo :meth:`state` (a project's saved panel); a missing seed means a random one.

        Raises
        ------
        InvalidRequestError
            If the saved panel breaks a request rule (a damaged or hand-edited project).
        """
        self.apply_request(
            {key: value for key, value in data.items() if key != "seed_locked"}, lock_seed=False
        )
        self.seed_locked = bool(data.get("seed_locked", False))
        if "seed" not in data:
            self.seed = None
