"""The generation backend of the built-in models: a request in, RGBA sprites and progress out.

One backend wraps one :class:`SpriteSampler`: the torch modules of any family
(:mod:`.torch_sampler`), or the numpy runtime of the one-pass families
(:mod:`.numpy_runtime.sampler`), which starts in a fraction of the time torch takes to import.
Every image gets its own generator seeded with ``request.seed_for(i)``, so a seed gives the
same sprite on every run and machine whichever sampler draws it; cancel is checked at every
step the family reports. This module imports no torch.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from studio.domain.engine_protocol import ProgressCallback
from studio.domain.errors import InvalidRequestError, JobCancelled
from studio.domain.models import ModelInfo
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage, ProgressUpdate
from studio.engine.builtin.edit_rules import check_builtin_edits
from studio.engine.builtin.tokens import MAX_TOKENS
from studio.engine.editing.inpaint import InpaintPlan, finish_inpaint, plan_inpaint
from studio.imaging.pixels import upscale_nearest

MAX_OUTPUT_SIDE = 1024
# Prompt pairs whose encoding is kept: an artist reruns one prompt with new seeds far more often
# than they type a new one, and encoding is most of a one-pass sprite's time (40 of 60 ms).
PROMPT_CACHE_SIZE = 32

# (steps done in this image, preview of the image so far at the native size, or None)
SamplerStep = Callable[[int, np.ndarray | None], None]


@dataclass(frozen=True, eq=False)
class Conditioned:
    """A prompt pair in the sampler's own form, and whether each text was cut to fit."""

    value: Any
    truncated: tuple[bool, bool] = (False, False)


@dataclass(frozen=True, eq=False)
class Sampled:
    """One sprite at the native size: straight RGBA ``uint8`` and the facts to record."""

    pixels: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


class SpriteSampler(Protocol):
    """What a runtime of a built-in model offers the backend."""

    family: str
    sample_size: int

    def count_steps(self, request: GenerationRequest) -> int:
        """Progress steps one image of ``request`` takes."""
        ...

    def condition(self, prompt: str, negative_prompt: str) -> Conditioned:
        """Encode the prompt and the unconditional text (the negative, or the null prompt)."""
        ...

    def sample(
        self,
        cond: Conditioned,
        request: GenerationRequest,
        index: int,
        inpaint: InpaintPlan | None,
        on_step: SamplerStep,
    ) -> Sampled:
        """Image ``index`` of ``request`` (seed ``request.seed_for(index)``)."""
        ...

    def unload(self) -> None:
        """Release weights and device memory."""
        ...


class BuiltinBackend:
    """A loaded built-in model; implements :class:`studio.engine.backend.GenerationBackend`.

    Parameters
    ----------
    model
        The registry's description of the model (``GenerationBackend.model``).
    sampler
        The runtime that holds the weights and draws the sprites.
    model_hash
        Short hash of the weights file, recorded with every image.
    """

    def __init__(self, model: ModelInfo, sampler: SpriteSampler, model_hash: str = "") -> None:
        self.model = model
        self.sampler: SpriteSampler | None = sampler
        self.model_hash = model_hash
        self._prompts: OrderedDict[tuple[str, str], Conditioned] = OrderedDict()

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

    def generate(
        self,
        request: GenerationRequest,
        on_progress: ProgressCallback,
        cancel: threading.Event,
    ) -> Iterator[GeneratedImage]:
        """Make ``request.batch_count`` sprites, yielding each as soon as it exists.

        Raises
        ------
        InvalidRequestError
            For an unsupported size or an image-to-image request.
        JobCancelled
            Within one step of ``cancel`` being set.
        """
        sampler = self._loaded()
        request = request.resolved()
        check_builtin_edits(sampler.family, request, self.model.name)
        job = _Job(
            request=request,
            factor=self.output_factor(request),
            inpaint=plan_inpaint(request, mode="RGBA") if request.is_inpaint else None,
            per_image=sampler.count_steps(request),
            on_progress=on_progress,
            cancel=cancel,
        )
        _check(cancel)
        on_progress(ProgressUpdate(0, job.total, message="Reading the prompt"))
        cond = self._condition(sampler, request.prompt, request.negative_prompt)
        warnings = _truncation_warnings(cond, bool(request.negative_prompt.strip()))
        for index in range(request.batch_count):
            _check(cancel)
            yield self._one_image(sampler, cond, job, index, warnings)

    def unload(self) -> None:
        """Release the sampler's weights (and cached GPU memory)."""
        sampler, self.sampler = self.sampler, None
        self._prompts.clear()
        if sampler is not None:
            sampler.unload()

    def _condition(self, sampler: SpriteSampler, prompt: str, negative: str) -> Conditioned:
        key = (prompt, negative)
        cond = self._prompts.get(key)
        if cond is None:
            cond = sampler.condition(prompt, negative)
            self._prompts[key] = cond
            if len(self._prompts) > PROMPT_CACHE_SIZE:
                self._prompts.popitem(last=False)
        else:
            self._prompts.move_to_end(key)
        return cond

    def _loaded(self) -> SpriteSampler:
        if self.sampler is None:
            raise InvalidRequestError(f"{self.model.name} was unloaded: load it again to generate.")
        return self.sampler

    def _one_image(
        self,
        sampler: SpriteSampler,
        cond: Conditioned,
        job: _Job,
        index: int,
        warnings: tuple[str, ...],
    ) -> GeneratedImage:
        started = time.perf_counter()

        def on_step(step: int, preview: np.ndarray | None) -> None:
            _check(job.cancel)
            shown = None if preview is None else upscale_nearest(preview, job.factor)
            job.on_progress(ProgressUpdate(index * job.per_image + step, job.total, shown))

        result = sampler.sample(cond, job.request, index, job.inpaint, on_step)
        pixels = upscale_nearest(result.pixels, job.factor)
        if job.inpaint is not None:
            pixels = finish_inpaint(job.inpaint, pixels)
        return GeneratedImage(
            request=job.request.for_image(index),
            pixels=pixels,
            index=index,
            model_name=self.model.name,
            model_hash=self.model_hash,
            elapsed_s=time.perf_counter() - started,
            warnings=warnings + result.warnings,
            extra={**result.info, "upscale": job.factor},
        )


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


@dataclass(frozen=True)
class _Job:
    """What every image of one request shares."""

    request: GenerationRequest
    factor: int
    inpaint: InpaintPlan | None
    per_image: int
    on_progress: ProgressCallback
    cancel: threading.Event

    @property
    def total(self) -> int:
        return self.per_image * self.request.batch_count


def _check(cancel: threading.Event) -> None:
    if cancel.is_set():
        raise JobCancelled()
