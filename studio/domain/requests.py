"""What a generation job needs, captured the moment the user presses Generate.

A :class:`GenerationRequest` is everything the engine reads: the worker never looks at widgets.
It is frozen, validated on construction and round-trips through JSON (the ``studio`` PNG chunk
and the project file store it), so any image can be replayed exactly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from studio.domain.control import MAX_CONTROLS, ControlSpec
from studio.domain.editing import (
    DEFAULT_OUTPAINT_FILL,
    MAX_CROP_PADDING,
    MAX_MASK_BLUR,
    check_margins,
    check_outpaint_fill,
)
from studio.domain.errors import InvalidRequestError
from studio.domain.hires import (
    DEFAULT_HIRES_UPSCALER,
    canonical_upscaler,
    check_hires,
    hires_target,
)
from studio.domain.job_kind import JobKind
from studio.domain.reference import MAX_REFERENCES, ReferenceImage
from studio.domain.request_codec import (
    STORED_DEFAULT,
    StoredByFields,
    image_field,
    optional_field,
    request_from_dict,
)
from studio.domain.request_limits import (
    MAX_BATCH,
    MAX_CFG,
    MAX_SEED,
    MAX_STEPS,
    check_side,
    random_seed,
)
from studio.domain.samplers import DEFAULT_SAMPLER, canonical_sampler_name, check_step_cache
from studio.domain.transparency import canonical_transparency

REQUEST_SCHEMA = 1

ALPHA_MODES = ("soft", "crisp")


@dataclass(frozen=True)
class GenerationRequest(StoredByFields):
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
        ``"crisp"`` (the default) snaps alpha to 0 or 1: sprites without a halo on a game
        background (the default VAE leaves 15 % of pixels half transparent otherwise);
        ``"soft"`` keeps the model's own alpha, for anti-aliased edges. Built-in sprite models
        read it. A stored request from before the option existed replays as ``"soft"``.
    transparent_background, transparent
        Real alpha (built-in models always give it); how: :mod:`studio.domain.transparency`.
    variation_seed, variation_strength
        A1111's variation seed ("subseed"): the initial noise is
        ``slerp(variation_strength, noise(seed), noise(variation_seed + i))``, so strength 0
        is the seed's image and 1 the variation seed's. While a variation is on, every image
        of the batch keeps ``seed`` and the variation seed counts up instead.
    tile_x, tile_y
        Make the image wrap around horizontally / vertically (circular convolution padding).
    mask_image
        PNG bytes of the inpaint mask (white repaints, black keeps, grey blends), the size of
        ``init_image``; ``None`` for no inpainting.
    mask_blur
        Pixels of Gaussian feather applied to the mask edge before inpainting.
    only_masked, only_masked_padding
        Inpaint only a crop around the mask (grown by the padding), generated at the
        request's size and pasted back: fine detail for a small region of a large canvas.
    outpaint, outpaint_fill
        ``(left, top, right, bottom)`` pixels the source canvas was grown by before inpainting,
        and how the new area was first filled; recorded so the edit can be replayed.
    hires_scale, hires_upscaler, hires_steps, hires_width, hires_height
        A1111's hires fix: the image made at ``width`` x ``height`` is enlarged by
        ``hires_scale`` (1 is off), or to ``hires_width`` x ``hires_height`` when both are set,
        with ``hires_upscaler`` (:mod:`studio.domain.hires`), then repainted at ``strength``
        (A1111's shared "Denoising strength") for ``hires_steps`` (0: as many as ``steps``).
    controls, references, step_cache
        ControlNet units (:mod:`.control`), IP-Adapter references (:mod:`.reference`); one
        full UNet call every ``step_cache`` steps, the deep features reused between (0, 1: off).
    """

    kind: ClassVar[JobKind] = JobKind.GENERATE
    schema: ClassVar[int] = REQUEST_SCHEMA

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
    init_image: bytes | None = image_field("init_image_sha256", default=None)
    strength: float = 0.75
    # Recipes written before the alpha option existed were drawn with the model's own alpha.
    alpha: str = field(default="crisp", metadata={STORED_DEFAULT: "soft"})
    transparent_background: bool = False
    variation_seed: int | None = None
    variation_strength: float = 0.0
    tile_x: bool = False
    tile_y: bool = False
    mask_image: bytes | None = image_field("mask_image_sha256", default=None)
    mask_blur: int = 4
    only_masked: bool = False
    only_masked_padding: int = 32
    outpaint: tuple[int, int, int, int] | None = None
    outpaint_fill: str = DEFAULT_OUTPAINT_FILL
    hires_scale: float = optional_field(1.0)
    hires_upscaler: str = optional_field(DEFAULT_HIRES_UPSCALER)
    hires_steps: int = optional_field(0)
    hires_width: int = optional_field(0)
    hires_height: int = optional_field(0)
    controls: tuple[ControlSpec, ...] = optional_field(())
    references: tuple[ReferenceImage, ...] = optional_field(())
    step_cache: int = optional_field(0)
    transparent: str | None = optional_field(None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sampler", canonical_sampler_name(self.sampler))
        object.__setattr__(self, "cfg_scale", float(self.cfg_scale))
        object.__setattr__(self, "strength", float(self.strength))
        for name, value in canonical_transparency(self.transparent_background, self.transparent):
            object.__setattr__(self, name, value)
        if not isinstance(self.prompt, str) or not isinstance(self.negative_prompt, str):
            raise InvalidRequestError("Prompt and negative prompt must be text.")
        if not 1 <= self.steps <= MAX_STEPS:
            raise InvalidRequestError(f"Steps {self.steps} is out of range: use 1 to {MAX_STEPS}.")
        if not 0.0 <= self.cfg_scale <= MAX_CFG:
            raise InvalidRequestError(
                f"CFG scale {self.cfg_scale:g} is out of range: use 0 to {MAX_CFG:g}."
            )
        check_side("width", self.width)
        check_side("height", self.height)
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
        check_step_cache(self.step_cache)
        self._check_edits()

    def _check_edits(self) -> None:
        object.__setattr__(self, "variation_strength", float(self.variation_strength))
        object.__setattr__(self, "tile_x", bool(self.tile_x))
        object.__setattr__(self, "tile_y", bool(self.tile_y))
        object.__setattr__(self, "only_masked", bool(self.only_masked))
        if self.variation_seed is not None and not 0 <= self.variation_seed <= MAX_SEED:
            raise InvalidRequestError(
                f"Variation seed {self.variation_seed} is out of range: use 0 to {MAX_SEED}."
            )
        if not 0.0 <= self.variation_strength <= 1.0:
            raise InvalidRequestError(
                f"Variation strength {self.variation_strength:g} is out of range: use 0 to 1."
            )
        if self.mask_image is not None and self.init_image is None:
            raise InvalidRequestError(
                "An inpaint mask needs the image it masks: add a source image."
            )
        if not 0 <= self.mask_blur <= MAX_MASK_BLUR:
            raise InvalidRequestError(f"Mask blur {self.mask_blur} is out of range: use 0 to 64.")
        if not 0 <= self.only_masked_padding <= MAX_CROP_PADDING:
            raise InvalidRequestError(
                f"Only-masked padding {self.only_masked_padding} is out of range: "
                f"use 0 to {MAX_CROP_PADDING}."
            )
        if self.outpaint is not None:
            object.__setattr__(self, "outpaint", tuple(self.outpaint))
            check_margins(self.outpaint)
        check_outpaint_fill(self.outpaint_fill)
        object.__setattr__(self, "controls", ControlSpec.check_all(self.controls, MAX_CONTROLS))
        object.__setattr__(
            self, "references", ReferenceImage.check_all(self.references, MAX_REFERENCES)
        )
        self._check_hires()

    def _check_hires(self) -> None:
        object.__setattr__(self, "hires_scale", float(self.hires_scale))
        object.__setattr__(self, "hires_upscaler", canonical_upscaler(self.hires_upscaler))
        size = None
        if self.hires_width or self.hires_height:
            check_side("hires width", self.hires_width)
            check_side("hires height", self.hires_height)
            size = (self.hires_width, self.hires_height)
        check_hires(self.hires_scale, self.hires_steps, size, max_steps=MAX_STEPS,
                    img2img=self.is_img2img)  # fmt: skip

    @property
    def has_hires(self) -> bool:
        """Whether a second, larger pass follows the first (A1111's hires fix)."""
        return self.hires_scale > 1.0 or self.hires_width > 0

    @property
    def hires_size(self) -> tuple[int, int]:
        """``(width, height)`` of the finished image: the hires size, or the request's."""
        if not self.has_hires:
            return self.width, self.height
        size = (self.hires_width, self.hires_height) if self.hires_width else None
        return hires_target(self.width, self.height, self.hires_scale, size)

    @property
    def has_variation(self) -> bool:
        """Whether the initial noise is blended with a variation seed's noise."""
        return self.variation_seed is not None and self.variation_strength > 0.0

    @property
    def is_inpaint(self) -> bool:
        """Whether only the masked part of the init image is repainted."""
        return self.mask_image is not None

    @property
    def mask_image_sha256(self) -> str | None:
        """Hex digest identifying the mask without carrying its pixels."""
        return None if self.mask_image is None else hashlib.sha256(self.mask_image).hexdigest()

    def variation_seed_for(self, index: int) -> int | None:
        """Variation seed of the ``index``-th image (``None`` when no variation is on)."""
        seed = self.variation_seed
        return None if seed is None else (seed + index) % (MAX_SEED + 1)

    @property
    def is_img2img(self) -> bool:
        """Whether this request starts from an init image."""
        return self.init_image is not None

    @property
    def init_image_sha256(self) -> str | None:
        """Hex digest identifying the init image without carrying its pixels."""
        return None if self.init_image is None else hashlib.sha256(self.init_image).hexdigest()

    def with_seed(self, seed: int) -> GenerationRequest:
        """Return a copy with ``seed`` fixed (used to record the seed each image used)."""
        return replace(self, seed=seed)

    def for_image(self, index: int) -> GenerationRequest:
        """The request as image ``index`` of the batch used it (its seed and variation seed).

        Requires a resolved request; this is what each result records so it replays alone.
        """
        return replace(
            self, seed=self.seed_for(index), variation_seed=self.variation_seed_for(index)
        )

    def resolved(self) -> GenerationRequest:
        """A copy with its seed (and a variation's seed) fixed, drawn where none was given."""
        resolved = self if self.seed is not None else self.with_seed(random_seed())
        if resolved.variation_seed is None and resolved.variation_strength > 0.0:
            resolved = replace(resolved, variation_seed=random_seed())  # as A1111's subseed -1
        return resolved

    def seed_for(self, index: int) -> int:
        """Seed of the ``index``-th image of the batch; requires a resolved request."""
        if self.seed is None:
            raise InvalidRequestError("Resolve the request before asking for per-image seeds.")
        if self.has_variation:
            return self.seed  # A1111: variations of one parent keep its seed
        return (self.seed + index) % (MAX_SEED + 1)

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        init_image: bytes | None = None,
        mask_image: bytes | None = None,
    ) -> GenerationRequest:
        """Build a request from :meth:`to_dict` output, ignoring unknown keys.

        A stored mask is referenced by hash only; without ``mask_image`` (or without the init
        image it belongs to) the request replays as the plain generation it was based on.

        Raises
        ------
        InvalidRequestError
            If a value has the wrong type or is out of range.
        """
        masked = None if init_image is None else mask_image
        return request_from_dict(cls, data, {"init_image": init_image, "mask_image": masked})
