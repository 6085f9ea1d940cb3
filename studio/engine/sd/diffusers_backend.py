"""Stable Diffusion / SDXL generation through diffusers, as a :class:`GenerationBackend`.

The pipeline runs with ``output_type="latent"``; decoding happens in
:class:`~studio.engine.sd.decoding.LatentDecoder` so NaN and out-of-memory decodes can be
retried. Each step reports progress with a latent preview and checks the cancel event:
cancelling raises :class:`JobCancelled` from inside the step callback, so a cancelled job stops
within one step and never yields an image.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.domain.errors import ModelLoadError, OutOfMemoryError
from studio.domain.model_kind import ModelKind
from studio.domain.models import ModelFamily, ModelInfo
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage
from studio.engine.addon_lookup import AddonIndex, NoAddons, resolve_addon
from studio.engine.backend import BatchProgress, GenerationBackend, ImageSteps, MakeImage
from studio.engine.device import free_memory, is_out_of_memory
from studio.engine.editing.inpaint import InpaintPlan, finish_inpaint, plan_inpaint
from studio.engine.editing.tiling import circular_padding
from studio.engine.model_hash import short_hash
from studio.engine.sd.addons import SdAddons
from studio.engine.sd.control import SdControls
from studio.engine.sd.decoding import LatentDecoder
from studio.engine.sd.edits import check_edits, initial_latents, inpaint_options
from studio.engine.sd.hires import model_upscale, needs_upscaler_model, second_pass
from studio.engine.sd.init_image import read_init_image
from studio.engine.sd.layerdiffuse_run import NativeDecode, SdLayerDiffuse
from studio.engine.sd.loading import (
    LoadedPipeline,
    img2img_pipeline,
    inpaint_pipeline,
    load_pipeline,
)
from studio.engine.sd.prompt_encoding import PromptEmbeddings, encode_prompts
from studio.engine.sd.reference_images import SdReferences
from studio.engine.sd.schedulers import build_scheduler
from studio.engine.sd.step_cache import step_cache
from studio.engine.sd.step_progress import step_callback
from studio.engine.sd.steps import pass_steps, steps_per_image
from studio.engine.sd.transparency import key_out_background, transparent_prompts

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class _Batch:
    """What every image of one request shares."""

    request: GenerationRequest
    pipe: Any
    loaded: LoadedPipeline
    init_image: Any
    embeddings: PromptEmbeddings
    inpaint: InpaintPlan | None = None
    recipe: dict[str, str] | None = None
    control: dict[str, Any] = field(default_factory=dict)
    native: NativeDecode | None = None  # LayerDiffuse's transparent decoder


class DiffusersBackend(GenerationBackend):
    """A loaded SD/SDXL pipeline that stays warm between jobs.

    Build it with :func:`load_diffusers_backend`.
    """

    def __init__(
        self,
        model: ModelInfo,
        loaded: LoadedPipeline,
        device: torch.device,
        model_hash: str = "",
        addon_index: AddonIndex | None = None,
    ) -> None:
        self.model = model
        self.addons = SdAddons(addon_index)
        self._addon_index: AddonIndex = addon_index if addon_index is not None else NoAddons()
        self.controls = SdControls(self._addon_index)
        self.references = SdReferences(self._addon_index)
        self.layerdiffuse = SdLayerDiffuse(self._addon_index)
        self.device = device
        self.model_hash = model_hash
        self._loaded: LoadedPipeline | None = loaded
        self._img2img: Any = None
        self._inpaint: Any = None
        vae = loaded.pipe.vae
        force_upcast = loaded.family is ModelFamily.SDXL and vae.config.get("force_upcast", False)
        self._decoder: LatentDecoder | None = LatentDecoder(vae, start_in_float32=force_upcast)
        self.base_scheduler_config = dict(loaded.pipe.scheduler.config)

    @property
    def pipeline(self) -> Any:
        """The text-to-image diffusers pipeline (for benchmarks and advanced use)."""
        return self._require_loaded().pipe

    def _require_loaded(self) -> LoadedPipeline:
        if self._loaded is None:
            raise ModelLoadError(f"{self.model.name} was unloaded: load it again.")
        return self._loaded

    def _require_decoder(self) -> LatentDecoder:
        self._require_loaded()
        assert self._decoder is not None
        return self._decoder

    def scheduler_for(self, sampler: str, seed: int | None = None) -> Any:
        """A fresh scheduler for ``sampler`` built on this model's scheduler config."""
        return build_scheduler(
            sampler, self.base_scheduler_config, seed=seed, is_turbo=self._require_loaded().is_turbo
        )

    def count_steps(self, request: GenerationRequest) -> int:
        """Check the pipeline can make ``request``; denoising steps of one image.

        Raises
        ------
        InvalidRequestError
            If the edit does not fit this model or no step would run.
        """
        check_edits(self._require_loaded(), request, self.model.name)
        if request.has_hires and needs_upscaler_model(request.hires_upscaler):
            # An upscaler model is found before the first step, or the job is one line.
            resolve_addon(self._addon_index, ModelKind.UPSCALER, request.hires_upscaler)
        return steps_per_image(request)

    def prepare(self, request: GenerationRequest, batch: BatchProgress) -> MakeImage:
        """Pick the pipeline, read the init image and encode the prompts once per batch."""
        loaded = self._require_loaded()
        pipe = self._pipe_for(request)
        plan = plan_inpaint(request) if request.is_inpaint else None
        init_image = (
            read_init_image(request.init_image, request.width, request.height)
            if request.init_image is not None and plan is None
            else None
        )
        prepared = self.addons.prepare(
            loaded.pipe, self.model.name, loaded.family, request.prompt, request.negative_prompt
        )
        prompt, negative = prepared.prompt, prepared.negative
        native = self.layerdiffuse.prepare(loaded, request, self.device)
        if request.transparent_background and native is None:
            prompt, negative = transparent_prompts(prompt, negative)
        references = self.references.prepare(loaded, request, self.device)
        control = self.controls.prepare(pipe, loaded, request, self.device, plan)
        pipe, recipe = control.pipe, {**prepared.recipe, **control.recipe, **references.recipe}
        embeddings = encode_prompts(pipe, prompt, negative, guidance=request.cfg_scale > 1.0)
        embeddings.kwargs.update(references.options)  # the image prompt conditions every call
        job = _Batch(request, pipe, loaded, init_image, embeddings, plan, recipe, control.options,
                     native)  # fmt: skip
        return partial(self._make_image, job)

    def _make_image(self, job: _Batch, index: int, steps: ImageSteps) -> GeneratedImage:
        """Image ``index``; raises :class:`JobCancelled` within one step, yielding nothing.

        Raises
        ------
        OutOfMemoryError
            If the device runs out of memory even after the fallbacks.
        """
        seed = job.request.seed_for(index)
        steps.report(0)
        request, pipe = job.request, job.pipe
        first, *hires = pass_steps(request)
        progress = partial(step_callback, job.loaded.family, steps)
        with circular_padding([pipe.unet, job.loaded.pipe.vae], request.tile_x, request.tile_y):
            latents = self._sample(job, index, seed, progress(start=0, steps=first))
            for count in hires:  # A1111's hires fix: a second pass at the larger size
                latents = self._hires(latents, job, seed, progress(start=first, steps=count))
            steps.check()
            decoded = self._require_decoder().decode(latents, wrap=(request.tile_x, request.tile_y))
        pixels, warnings = decoded.pixels, decoded.warnings
        extra: dict[str, Any] = {}
        if job.inpaint is not None:
            pixels = finish_inpaint(job.inpaint, pixels)
        if job.native is not None:
            pixels, extra = job.native.to_rgba(latents, pixels), dict(job.native.recipe)
        elif request.transparent_background:
            pixels, keyed_warnings, extra = key_out_background(pixels)
            warnings = (*warnings, *keyed_warnings)
        return GeneratedImage(
            request=request.for_image(index),
            pixels=pixels,
            index=index,
            model_name=self.model.name,
            model_hash=self.model_hash,
            kind=request.kind,
            warnings=warnings,
            extra={"prompt_chunks": job.embeddings.chunks, **(job.recipe or {}), **extra},
        )

    def _pipe_for(self, request: GenerationRequest) -> Any:
        loaded = self._require_loaded()
        if request.is_inpaint:
            if self._inpaint is None:
                self._inpaint = inpaint_pipeline(loaded)
            return self._inpaint
        return self._img2img_pipe() if request.is_img2img else loaded.pipe

    def _img2img_pipe(self) -> Any:
        if self._img2img is None:
            self._img2img = img2img_pipeline(self._require_loaded())
        return self._img2img

    def _hires(
        self, latents: torch.Tensor, job: _Batch, seed: int, callback: Callable[..., dict]
    ) -> torch.Tensor:
        control = self.controls.for_hires(job.pipe, job.control, self._img2img_pipe(), job.request)
        pipe, wrap = control.pipe, (job.request.tile_x, job.request.tile_y)
        pipe.scheduler = self.scheduler_for(job.request.sampler, seed)
        options = {**self._call_options(job, seed, callback), **control.options}
        decode = partial(self._require_decoder().decode, wrap=wrap)
        device = (self.device, self._require_loaded().pipe.dtype)
        upscale = partial(model_upscale, self._addon_index, device)
        return second_pass(pipe, latents, job.request, decode, options, upscale)

    def _sample(
        self, job: _Batch, index: int, seed: int, callback: Callable[..., dict]
    ) -> torch.Tensor:
        request, pipe = job.request, job.pipe
        latents = self._try_sample(job, index, seed, callback)
        if latents is not None:
            return latents
        # Out of memory: free what the failed attempt held, slice attention, try once more.
        free_memory()
        log.warning("out of memory while sampling; retrying with attention slicing")
        pipe.enable_attention_slicing("max")
        try:
            latents = self._try_sample(job, index, seed, callback)
        finally:
            pipe.disable_attention_slicing()
        if latents is None:
            free_memory()
            raise OutOfMemoryError(
                f"Out of memory making a {request.width}x{request.height} image: use a smaller "
                "size or close other programs using the GPU."
            )
        return latents

    def _try_sample(
        self, job: _Batch, index: int, seed: int, callback: Callable[..., dict]
    ) -> torch.Tensor | None:
        """The sampled latents, or ``None`` when the device ran out of memory."""
        import torch

        request, pipe = job.request, job.pipe
        pipe.scheduler = self.scheduler_for(request.sampler, seed)
        options = self._call_options(job, seed, callback)
        options.update(num_inference_steps=request.steps, output_type="latent", **job.control)
        if job.inpaint is not None:
            options.update(inpaint_options(job.inpaint, request))
        elif job.init_image is not None:
            options.update(image=job.init_image, strength=request.strength)
        else:
            options.update(width=request.width, height=request.height)
            latents = initial_latents(pipe, request, index, options["generator"])
            if latents is not None:
                options["latents"] = latents
        try:
            with torch.inference_mode(), step_cache(pipe.unet, request.step_cache):
                return pipe(**options).images
        except Exception as exc:
            if not is_out_of_memory(exc):
                raise
        return None

    def _call_options(
        self, job: _Batch, seed: int, callback: Callable[..., dict]
    ) -> dict[str, Any]:
        """What every pipeline call of an image passes: guidance, generator, step callback."""
        import torch

        generator_device = "cuda" if self.device.type == "cuda" else "cpu"
        return {
            "guidance_scale": job.request.cfg_scale,
            "generator": torch.Generator(device=generator_device).manual_seed(seed),
            "callback_on_step_end": callback,
            "callback_on_step_end_tensor_inputs": ["latents"],
            **job.embeddings.kwargs,
        }

    def unload(self) -> None:
        """Release the pipeline and hand its memory back (del + gc + empty_cache)."""
        self._img2img = self._inpaint = None
        self.controls.clear()
        self.references.clear()
        self.layerdiffuse.clear()
        self._loaded = None
        self._decoder = None
        free_memory()


def load_diffusers_backend(
    info: ModelInfo,
    device: torch.device,
    dtype: torch.dtype,
    config_dir: Path | None = None,
    release_previous: Callable[[], None] | None = None,
    addon_index: AddonIndex | None = None,
) -> DiffusersBackend:
    """Load an SD/SDXL model (diffusers folder or single file) and keep it warm.

    Parameters
    ----------
    info
        The model, as the registry describes it.
    device, dtype
        From :func:`studio.engine.device.pick_device`.
    config_dir
        Config folder for single files (``None``: the shipped one for the detected family).
    release_previous
        Called once the new model is built and validated on the CPU, just before its weights
        move to ``device``: the caller frees the old model there, so two models never share
        the GPU, yet a file that fails to load leaves the old one untouched.
    addon_index
        Where the prompt's LoRAs and embeddings are looked up (the registry); none without it.

    Raises
    ------
    DamagedModelError, UnsafeModelError, ModelLoadError
        If the model cannot be loaded.
    """
    import torch

    loaded = load_pipeline(info, torch.device("cpu"), dtype, config_dir=config_dir)
    model_hash = short_hash(info.location) if Path(info.location).is_file() else ""
    if release_previous is not None:
        release_previous()
    try:
        loaded.pipe.to(device)
    except Exception as exc:
        if is_out_of_memory(exc):
            del loaded
            free_memory()
            raise OutOfMemoryError(
                f"{info.name} does not fit in the GPU's memory: close other programs using "
                "the GPU or choose a smaller model."
            ) from None
        raise
    return DiffusersBackend(info, loaded, device, model_hash, addon_index)
