"""What a generation job needs, captured the moment the user presses Generate.

A :class:`GenerationRequest` is everything the engine reads: the worker never looks at widgets.
It is frozen, validated on construction and round-trips through JSON (the ``studio`` PNG chunk
and the project file store it), so any image can be replayed exactly.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from studio.domain.errors import InvalidRequestError
from studio.domain.samplers import DEFAULT_SAMPLER, canonical_sampler_name

MAX_SEED = 2**32 - 1
MIN_SIDE = 16
MAX_SIDE = 4096
MAX_STEPS = 150
MAX_BATCH = 100
MAX_CFG = 30.0
REQUEST_SCHEMA = 1


def random_seed() -> int:
    """Return a fresh seed in the range every backend accepts."""
    return random.SystemRandom().randint(0, MAX_SEED)


def parse_size(text: str) -> tuple[int, int]:
    """Parse ``"WxH"`` (``512x768``, ``512X768``, ``512*768``) into ``(width, height)``.

    Raises
    ------
    InvalidRequestError
        If the text is not two positive integers within Studio's size limits.
    """
    cleaned = text.strip().lower().replace("*", "x").replace(" ", "")
    parts = cleaned.split("x")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise InvalidRequestError(f"Size {text!r} is not WIDTHxHEIGHT, for example 512x768.")
    width, height = int(parts[0]), int(parts[1])
    _check_side("width", width)
    _check_side("height", height)
    return width, height


def _check_side(name: str, value: int) -> None:
    if not MIN_SIDE <= value <= MAX_SIDE:
        raise InvalidRequestError(
            f"Image {name} {value} is out of range: use {MIN_SIDE} to {MAX_SIDE} pixels."
        )
    if value % 8:
        raise InvalidRequestError(
            f"Image {name} {value} must be a multiple of 8 (for example {value - value % 8 or 8})."
        )


ALPHA_MODES = ("soft", "crisp")


@dataclass(frozen=True)
class GenerationRequest:
    """One text-to-image or image-to-image job.

    Parameters
    ----------
    prompt, negative_prompt
        Free text; any Unicode is accepted.
    model
        A model id from the registry (``builtin-diffusion``, a path, a Hugging Face repo id);
        empty means the default model.
    sampler
        A name from :data:`studio.domain.samplers.SAMPLER_NAMES`.
    seed
        ``None`` asks for a random seed; the seed actually used is recorded in each result.
    batch_count
        Images made one after another; image ``i`` uses ``seed + i`` (the AUTOMATIC1111 rule).
    init_image
        PNG bytes of the image-to-image source, or ``None`` for text-to-image.
    strength
        How much of the init image is repainted (0 keeps it, 1 ignores it).
    alpha
        ``"soft"`` keeps the model's alpha; ``"crisp"`` snaps it to 0 or 1 (sprites without a
        halo on a game background). Built-in sprite models read it.
    transparent_background
        Stable Diffusion paints on a flat key colour and the key is matted out, so the result
        has real alpha (the built-in models always give alpha and ignore this).
    """

    prompt: str
    negative_prompt: str = ""
    model: str = ""
    sampler: str = DEFAULT_SAMPLER
    steps: int = 25
    cfg_scale: float = 7.0
    width: int = 512
    height: int = 512
    seed: int | None = None
    batch_count: int = 1
    init_image: bytes | None = field(default=None, repr=False, compare=False)
    strength: float = 0.75
    alpha: str = "soft"
    transparent_background: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "sampler", canonical_sampler_name(self.sampler))
        object.__setattr__(self, "cfg_scale", float(self.cfg_scale))
        object.__setattr__(self, "strength", float(self.strength))
        object.__setattr__(self, "transparent_background", bool(self.transparent_background))
        if not isinstance(self.prompt, str) or not isinstance(self.negative_prompt, str):
            raise InvalidRequestError("Prompt and negative prompt must be text.")
        if not 1 <= self.steps <= MAX_STEPS:
            raise InvalidRequestError(f"Steps {self.steps} is out of range: use 1 to {MAX_STEPS}.")
        if not 0.0 <= self.cfg_scale <= MAX_CFG:
            raise InvalidRequestError(
                f"CFG scale {self.cfg_scale:g} is out of range: use 0 to {MAX_CFG:g}."
            )
        _check_side("width", self.width)
        _check_side("height", self.height)
        if self.seed is not None and not 0 <= self.seed <= MAX_SEED:
            raise InvalidRequestError(f"Seed {self.seed} is out of range: use 0 to {MAX_SEED}.")
        if not 1 <= self.batch_count <= MAX_BATCH:
            raise InvalidRequestError(
                f"Batch count {self.batch_count} is out of range: use 1 to {MAX_BATCH}."
            )
        if self.alpha not in ALPHA_MODES:
            raise InvalidRequestError(
                f"Alpha mode {self.alpha!r} is unknown: use {' or '.join(ALPHA_MODES)}."
            )
        if not 0.0 <= self.strength <= 1.0:
            raise InvalidRequestError(f"Strength {self.strength:g} is out of range: use 0 to 1.")

    @property
    def is_img2img(self) -> bool:
        """Whether this request starts from an init image."""
        return self.init_image is not None

    @property
    def init_image_sha256(self) -> str | None:
        """Hex digest identifying the init image without carrying its pixels."""
        if self.init_image is None:
            return None
        return hashlib.sha256(self.init_image).hexdigest()

    def with_seed(self, seed: int) -> GenerationRequest:
        """Return a copy with ``seed`` fixed (used to record the seed each image used)."""
        return replace(self, seed=seed)

    def resolved(self) -> GenerationRequest:
        """Return a copy whose seed is fixed, drawing a random one if none was given."""
        return self if self.seed is not None else self.with_seed(random_seed())

    def seed_for(self, index: int) -> int:
        """Seed of the ``index``-th image of the batch; requires a resolved request."""
        if self.seed is None:
            raise InvalidRequestError("Resolve the request before asking for per-image seeds.")
        return (self.seed + index) % (MAX_SEED + 1)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict; the init image is referenced by hash, not embedded."""
        data = asdict(self)
        data.pop("init_image")
        data["init_image_sha256"] = self.init_image_sha256
        data["schema"] = REQUEST_SCHEMA
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], init_image: bytes | None = None) -> GenerationRequest:
        """Build a request from :meth:`to_dict` output, ignoring unknown keys.

        Raises
        ------
        InvalidRequestError
            If a value has the wrong type or is out of range.
        """
        if not isinstance(data, dict):
            raise InvalidRequestError("A stored request must be a JSON object.")
        names = {f.name for f in fields(cls)} - {"init_image"}
        kwargs = {key: data[key] for key in names if key in data}
        try:
            return cls(init_image=init_image, **kwargs)
        except (TypeError, AttributeError) as exc:  # a value of the wrong type
            raise InvalidRequestError(f"Stored request is malformed: {exc}") from None
