"""The generation backend of the built-in models: a request in, RGBA sprites and progress out.

One backend wraps one loaded family model and the frozen text encoder. Every image gets its own
CPU generator seeded with ``request.seed_for(i)``, so a seed gives the same sprite on every run
and machine; cancel is checked at every step the family reports.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import torch

from studio.domain.engine_protocol import ProgressCallback
from studio.domain.errors import InvalidRequestError, JobCancelled
from studio.domain.models import ModelInfo
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage, ProgressUpdate
from studio.engine.builtin.edits import check_builtin_edits, sample_settings
from studio.engine.builtin.generation import SampleSettings
from studio.engine.builtin.layers import Conditioning
from studio.engine.builtin.pixels import model_to_rgba_uint8, preview_rgb_uint8, upscale_nearest
from studio.engine.builtin.pretrained import BuiltinModel
from studio.engine.builtin.text_encoder import MAX_TOKENS, TextEncoder
from studio.engine.editing.inpaint import InpaintPlan, finish_inpaint, plan_inpaint
from studio.engine.editing.tiling import circular_padding

MAX_OUTPUT_SIDE = 1024


class BuiltinBackend:
    """A loaded built-in model; implements :class:`studio.engine.backend.GenerationBackend`.

    Parameters
    ----------
    model
        The registry's description of the model (``GenerationBackend.model``).
    network
        The family module, in eval mode on its device.
    encoder
        The frozen text encoder, on the same device.
    model_hash
        Short hash of the weights file, recorded with every image.
    """

    def __init__(
        self, model: ModelInfo, network: BuiltinModel, encoder: TextEncoder, model_hash: str = ""
    ) -> None:
        self.model = model
        self.network: BuiltinModel | None = network
        self.encoder: TextEncoder | None = encoder
        self.model_hash = model_hash

    @property
    def sample_size(self) -> int:
        """Side of the images the network itself makes (outputs are whole multiples of it)."""
        return self._loaded()[0].sample_size

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
        network, encoder = self._loaded()
        request = request.resolved()
        check_builtin_edits(network.family, request, self.model.name)
        settings = SampleSettings(request.steps, request.cfg_scale, request.sampler)
        job = _Job(
            request=request,
            settings=settings,
            factor=self.output_factor(request),
            inpaint=plan_inpaint(request, mode="RGBA") if request.is_inpaint else None,
            per_image=network.count_steps(settings),
            on_progress=on_progress,
            cancel=cancel,
        )
        _check(cancel)
        on_progress(ProgressUpdate(0, job.total, message="Reading the prompt"))
        cond, warnings = self._condition(network, encoder, request)
        for index in range(request.batch_count):
            _check(cancel)
            yield self._one_image(network, cond, job, index, warnings)

    def unload(self) -> None:
        """Release the network and the text encoder (and cached GPU memory)."""
        device = None if self.network is None else next(self.network.parameters()).device
        self.network = None
        self.encoder = None
        if device is not None and device.type == "cuda":
            torch.cuda.empty_cache()

    def _loaded(self) -> tuple[BuiltinModel, TextEncoder]:
        if self.network is None or self.encoder is None:
            raise InvalidRequestError(f"{self.model.name} was unloaded: load it again to generate.")
        return self.network, self.encoder

    def _condition(
        self, network: BuiltinModel, encoder: TextEncoder, request: GenerationRequest
    ) -> tuple[Conditioning, tuple[str, ...]]:
        embedding = encoder.encode([request.prompt, request.negative_prompt])
        has_negative = bool(request.negative_prompt.strip())
        # Without a negative prompt the unconditional row is the learned null prompt.
        drop = torch.tensor([False, not has_negative])
        with torch.inference_mode():
            cond = network.text(embedding, drop=drop)
        warnings = []
        if embedding.truncated[0]:
            warnings.append(
                f"The prompt is longer than the {MAX_TOKENS} tokens built-in models read; "
                "its last words were ignored. Shorten it to keep them."
            )
        if has_negative and embedding.truncated[1]:
            warnings.append(f"The negative prompt was cut to {MAX_TOKENS} tokens.")
        return cond, tuple(warnings)

    def _one_image(
        self,
        network: BuiltinModel,
        cond: Conditioning,
        job: _Job,
        index: int,
        warnings: tuple[str, ...],
    ) -> GeneratedImage:
        seed = job.request.seed_for(index)
        generator = torch.Generator(device="cpu").manual_seed(seed)
        started = time.perf_counter()

        def on_step(step: int, _steps: int, estimate: torch.Tensor | None) -> None:
            _check(job.cancel)
            preview = None
            if estimate is not None:
                preview = upscale_nearest(preview_rgb_uint8(estimate), job.factor)
            job.on_progress(ProgressUpdate(index * job.per_image + step, job.total, preview))

        settings = sample_settings(job.request, index, job.inpaint, network.sample_size)
        request = job.request
        with (
            torch.inference_mode(),
            circular_padding([network], request.tile_x, request.tile_y),
        ):
            result = network.generate(cond, generator, settings, on_step)
        crisp = request.alpha == "crisp"
        pixels = upscale_nearest(model_to_rgba_uint8(result.image, crisp)[0], job.factor)
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


@dataclass(frozen=True)
class _Job:
    """What every image of one request shares."""

    request: GenerationRequest
    settings: SampleSettings
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
