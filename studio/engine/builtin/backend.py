"""The generation backend of the built-in models: a request in, RGBA sprites and progress out.

One backend wraps one :class:`~.sampler_protocol.SpriteSampler`: the torch modules of any
family (:mod:`.torch_sampler`), or the numpy runtime of the one-pass families
(:mod:`.numpy_runtime.sampler`), which starts in a fraction of the time torch takes to import.
A texture prompt goes to the texture synthesiser (:mod:`.texture_sampler`) in their place.
Every image gets its own generator seeded with ``request.seed_for(i)``, so a seed gives the
same sprite on every run and machine whichever sampler draws it; cancel is checked at every
step the family reports. This module imports no torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from studio.domain.errors import InvalidRequestError
from studio.domain.models import ModelInfo
from studio.domain.prompt_subject import prompt_art_style
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage
from studio.domain.texture_prompt import is_texture_request
from studio.engine.backend import BatchProgress, GenerationBackend, ImageSteps, MakeImage
from studio.engine.builtin.edit_rules import check_builtin_edits
from studio.engine.builtin.numpy_runtime.enlarger import SCALE, NumpyEnlarger
from studio.engine.builtin.numpy_runtime.guided import guide_by_reference
from studio.engine.builtin.numpy_runtime.pixels import crisp_alpha
from studio.engine.builtin.recent_cache import RecentCache
from studio.engine.builtin.sampler_protocol import (
    Conditioned,
    Sampled,
    SampleJob,
    SpriteSampler,
)
from studio.engine.builtin.texture_sampler import TextureSampler
from studio.engine.builtin.tokens import MAX_TOKENS
from studio.engine.editing.inpaint import InpaintPlan, finish_inpaint, plan_inpaint
from studio.imaging.pixels import upscale_nearest

MAX_OUTPUT_SIDE = 1024
# Prompt pairs whose encoding is kept: an artist reruns one prompt with new seeds far more often
# than they type a new one, and encoding is most of a one-pass sprite's time (40 of 60 ms).
PROMPT_CACHE_SIZE = 32


class BuiltinBackend(GenerationBackend):
    """A loaded built-in model: the batch loop of :class:`GenerationBackend` over a sampler.

    Parameters
    ----------
    model
        The registry's description of the model (``GenerationBackend.model``).
    sampler
        The runtime that holds the weights and draws the sprites.
    model_hash
        Short hash of the weights file, recorded with every image.
    enlarger
        The model folder's learnt 2x enlarger, used instead of nearest neighbour for sprites
        at an even multiple of the native size unless the prompt asks for pixel art.
    """

    def __init__(
        self,
        model: ModelInfo,
        sampler: SpriteSampler,
        model_hash: str = "",
        enlarger: NumpyEnlarger | None = None,
    ) -> None:
        self.model = model
        self.sampler: SpriteSampler | None = sampler
        self.model_hash = model_hash
        self.enlarger = enlarger
        self._prompts: RecentCache[tuple[str, str, str], Conditioned] = RecentCache(
            PROMPT_CACHE_SIZE
        )

    @property
    def sample_size(self) -> int:
        """Side of the images the network itself makes (outputs are whole multiples of it)."""
        return self._loaded().sample_size

    def output_factor(self, request: GenerationRequest) -> int:
        """Nearest-upscale factor for the requested size.

        Raises
        ------
        InvalidRequestError
            If the size is not a square whole multiple of the native size.
        """
        native = self.sample_size
        side = request.width
        if request.width != request.height or side % native or side > MAX_OUTPUT_SIDE:
            sizes = ", ".join(str(native * 2**k) for k in range(5) if native * 2**k <= 512)
            raise InvalidRequestError(
                f"{self.model.name} makes square sprites of {sizes} pixels (any multiple of "
                f"{native} up to {MAX_OUTPUT_SIDE}); choose one of those instead of "
                f"{request.width}x{request.height}."
            )
        return side // native

    def count_steps(self, request: GenerationRequest) -> int:
        """Check the family can make ``request`` at its size; steps of one sprite.

        Raises
        ------
        InvalidRequestError
            For an unsupported size or edit (image-to-image, inpainting a one-pass family).
        """
        sampler = self._loaded()
        check_builtin_edits(sampler.family, request, self.model.name)
        self.output_factor(request)
        return self._sampler_for(request).count_steps(request)

    def prepare(self, request: GenerationRequest, batch: BatchProgress) -> MakeImage:
        """Encode the prompt pair (cached) and plan the inpaint once for the whole batch."""
        sampler = self._sampler_for(request)
        # A mask that cannot be read fails before any model work.
        inpaint = plan_inpaint(request, mode="RGBA") if request.is_inpaint else None
        batch.announce("Reading the prompt")
        cond = self._condition(sampler, request.prompt, request.negative_prompt)
        factor = self.output_factor(request)
        job = _Job(
            request=request,
            factor=factor,
            inpaint=inpaint,
            cond=cond,
            warnings=_truncation_warnings(cond, bool(request.negative_prompt.strip())),
            enlarger=self._enlarger_for(request, factor),
        )
        return partial(self._one_image, sampler, job)

    def unload(self) -> None:
        """Release the sampler's weights (and cached GPU memory)."""
        sampler, self.sampler = self.sampler, None
        self._prompts.clear()
        if sampler is not None:
            sampler.unload()

    def _condition(self, sampler: SpriteSampler, prompt: str, negative: str) -> Conditioned:
        key = (sampler.family, prompt, negative)
        return self._prompts.get(key, lambda: sampler.condition(prompt, negative))

    def _sampler_for(self, request: GenerationRequest) -> SpriteSampler:
        """The model's sampler, or for a texture prompt the texture synthesiser in its place."""
        sampler = self._loaded()
        if is_texture_request(request):
            return TextureSampler(sampler.sample_size, sampler.family)
        return sampler

    def _enlarger_for(self, request: GenerationRequest, factor: int) -> NumpyEnlarger | None:
        """The learnt enlarger where it suits the request; ``None`` means nearest neighbour.

        Pixel art is enlarged with nearest neighbour on purpose (its pixels are the style), and
        the texture synthesiser draws its own tiles at the native size's look.
        """
        if self.enlarger is None or factor % SCALE or is_texture_request(request):
            return None
        return None if prompt_art_style(request.prompt) == "pixel art" else self.enlarger

    def _loaded(self) -> SpriteSampler:
        if self.sampler is None:
            raise InvalidRequestError(f"{self.model.name} was unloaded: load it again to generate.")
        return self.sampler

    def _one_image(
        self, sampler: SpriteSampler, job: _Job, index: int, steps: ImageSteps
    ) -> GeneratedImage:
        def on_step(step: int, preview: np.ndarray | None) -> None:
            steps.check()
            steps.report(step, None if preview is None else upscale_nearest(preview, job.factor))

        crisp = job.request.alpha == "crisp"
        sample = SampleJob(
            job.cond, job.request, index, job.inpaint, on_step, crisp and job.enlarger is None
        )
        result = sampler.sample(sample)
        info = dict(result.info)
        if job.enlarger is None:
            pixels = upscale_nearest(result.pixels, job.factor)
            info["enlarged"] = "nearest neighbour" if job.factor > 1 else "no"
        else:
            enlarged, facts = _enlarge(job.enlarger, result, job.request)
            info |= facts
            pixels = upscale_nearest(enlarged, job.factor // SCALE)
            pixels = crisp_alpha(pixels) if crisp else pixels
        if job.inpaint is not None:
            pixels = finish_inpaint(job.inpaint, pixels)
        return GeneratedImage(
            request=job.request.for_image(index),
            pixels=pixels,
            index=index,
            model_name=self.model.name,
            model_hash=self.model_hash,
            warnings=job.warnings + result.warnings,
            extra={**info, "upscale": job.factor},
        )


def _enlarge(
    enlarger: NumpyEnlarger, result: Sampled, request: GenerationRequest
) -> tuple[np.ndarray, dict[str, object]]:
    """The sprite at twice its native size, and the recipe's record of how it got there.

    Where the bank icon drawn on has its detail at that size, the enlargement follows it and
    the reference distance is measured there (the sampler's was at the native size).
    """
    wrap = (request.tile_x, request.tile_y)
    enlarged = enlarger.enlarge(result.pixels, wrap)
    reference = result.reference
    detail = None if reference is None else reference.detail
    if reference is None or detail is None or detail.shape != enlarged.shape:
        return enlarged, {"enlarged": "learnt 2x enlarger"}
    guided = guide_by_reference(enlarged, detail, wrap)
    return guided, {
        "enlarged": "learnt 2x enlarger, guided by the icon",
        "Reference distance": round(reference.distance(guided), 3),
    }


def _truncation_warnings(cond: Conditioned, has_negative: bool) -> tuple[str, ...]:
    warnings = []
    if cond.truncated[0]:
        warnings.append(
            f"The prompt is longer than the {MAX_TOKENS} tokens built-in models read; "
            "its last words were ignored. Shorten it to keep them."
        )
    if has_negative and cond.truncated[1]:
        warnings.append(f"The negative prompt was cut to {MAX_TOKENS} tokens.")
    return tuple(warnings)


@dataclass(frozen=True, eq=False)
class _Job:
    """What every sprite of one request shares."""

    request: GenerationRequest
    factor: int
    inpaint: InpaintPlan | None
    cond: Conditioned
    warnings: tuple[str, ...]
    enlarger: NumpyEnlarger | None = None
