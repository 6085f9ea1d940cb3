"""The engine as the worker sees it: one warm model, requests in, images and progress out.

:class:`EngineService` implements :class:`studio.domain.engine_protocol.EngineProtocol`. It
resolves the request's model through the registry and keeps everything it loads (the
generation backend, the style networks, the add-ons to come) in one
:class:`~studio.engine.residency.Residency`, whose policy swaps models without ever holding two
on the GPU and keeps the previous model usable when a new one fails to load (RELIABILITY 3).
Each backend runs the one batch loop of :class:`~studio.engine.backend.GenerationBackend`. All
methods run on the worker thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from studio.domain.character_sheet import CharacterSheetRequest
from studio.domain.engine_protocol import ProgressCallback
from studio.domain.errors import InvalidRequestError, StudioError
from studio.domain.export_requests import SheetExportRequest, TilesetRequest
from studio.domain.image_requests import MakeSeamlessRequest, MatteRequest, PixelateRequest
from studio.domain.jobs import JobRequest, unhandled_request
from studio.domain.model_addition import ModelAddition
from studio.domain.model_kind import AddonInfo
from studio.domain.models import ModelFamily, ModelInfo, ModelSource
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage, ProgressUpdate
from studio.domain.settings import EngineSettings
from studio.domain.style import StyleRequest
from studio.domain.upscale_request import UpscaleRequest
from studio.engine.backend import GenerationBackend
from studio.engine.model_folders.addition import model_addition
from studio.engine.registry import SD_FAMILIES, ModelRegistry
from studio.engine.residency import MakeRoom, Residency, ResidentKey, ResidentKind
from studio.engine.torch_stack import TorchStack

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)


class EngineService:
    """Studio's engine: model registry plus one residency cache of what is loaded.

    Parameters
    ----------
    settings
        Model paths, device and cache options.
    device_preference
        ``"auto"`` defers to ``settings.device``; otherwise ``"cuda"``, ``"mps"`` or ``"cpu"``.
    """

    def __init__(self, settings: EngineSettings, device_preference: str = "auto") -> None:
        self._settings = settings
        self._registry = ModelRegistry(settings)
        self._device_preference = device_preference
        self._device: tuple[torch.device, torch.dtype] | None = None
        self._residency = Residency()
        self._torch_stack = TorchStack()

    @property
    def registry(self) -> ModelRegistry:
        return self._registry

    @property
    def backend(self) -> GenerationBackend | None:
        """The warm backend, if a model is loaded."""
        loaded = self._residency.resident(ResidentKind.GENERATOR)
        return loaded[-1] if loaded else None

    @property
    def residency(self) -> Residency:
        """Everything this engine keeps loaded."""
        return self._residency

    def warm_up(self) -> None:
        """Get the default model's first job ready, importing torch only if it needs torch.

        The built-in default runs on the numpy runtime: it is loaded here (a fraction of a
        second), and torch waits for the first job that needs it, so the window neither waits
        for torch nor stalls while torch imports. Any other default imports the torch stack
        now, before the user's first job (:class:`~studio.engine.torch_stack.TorchStack`).
        """
        try:
            info = self._registry.default()
        except StudioError:
            info = None
        if info is not None and self._runs_on_numpy(info):
            self._backend_for(info, 0, lambda _update: None)
            return
        self._torch_stack.ensure(pipelines=info is None or info.family in SD_FAMILIES)
        self._device_and_dtype()

    def list_models(self) -> list[ModelInfo]:
        """Every model on offer, freshly scanned (built-in first)."""
        return self._registry.refresh()

    def add_model_path(self, path: str) -> ModelInfo:
        """Validate a file or folder the user picked and offer it from now on.

        The caller persists it in the settings file; this service remembers it for the session
        so the next :meth:`list_models` includes it.

        Raises
        ------
        ModelNotFoundError, ModelLoadError, DamagedModelError, UnsafeModelError
            If the path is not a usable model.
        """
        info = self._registry.inspect_path(path)
        self.update_settings(self._settings.with_model_path(info.location or path))
        return info

    def add_model_folder(self, path: str) -> ModelAddition:
        """Remember a folder of any kinds (an A1111/ComfyUI/InvokeAI install too) or one file,
        read in place, and say what it holds; raises as :meth:`add_model_path` does."""
        addition = model_addition(self._registry.inspect_addition(path), path)
        self.update_settings(self._settings.with_model_path(addition.location))
        return addition

    def list_addons(self) -> list[AddonInfo]:
        """The add-ons in the added folders (the last scan's)."""
        return self._registry.addons()

    def resolve_model(self, name_or_path: str) -> ModelInfo:
        """The model a request naming ``name_or_path`` would use (empty: the default).

        Raises
        ------
        ModelNotFoundError
            Listing what is available and how to add a model.
        """
        return self._registry.resolve(name_or_path)

    def update_settings(self, settings: EngineSettings) -> None:
        """Adopt new settings; a device or fast-path change unloads everything to reload."""
        device_changed = settings.device != self._settings.device
        device_changed |= settings.fast_path != self._settings.fast_path
        self._settings = settings
        self._registry.update_settings(settings)
        if device_changed:
            self._device = None
            self._residency.clear()

    def run(
        self, request: JobRequest, on_progress: ProgressCallback, cancel: threading.Event
    ) -> Iterator[GeneratedImage]:
        """Run one job, yielding each image as soon as it exists.

        Raises
        ------
        JobCancelled
            Within one sampling step of ``cancel`` being set.
        StudioError
            With a message the user can act on (unknown model, damaged file, out of memory...).
        """
        match request:
            case StyleRequest():
                yield self._stylize(request, on_progress, cancel)
            case GenerationRequest():
                yield from self._generate(request, on_progress, cancel)
            case CharacterSheetRequest():
                yield from self._character_sheet(request, on_progress, cancel)
            case UpscaleRequest():
                from studio.engine.upscale import run_upscale_job

                # Asked for the device only with a model: nearest never imports torch.
                device = self._device_and_dtype
                yield run_upscale_job(request, self._registry, device, on_progress, cancel)
            case (
                PixelateRequest()
                | MatteRequest()
                | MakeSeamlessRequest()
                | SheetExportRequest()
                | TilesetRequest()
            ):
                # Image edits and exports run on the worker's CPU lane, never here.
                raise InvalidRequestError(
                    f"The engine does not run {type(request).__name__} jobs; they run on the "
                    "CPU lane."
                )
            case _:
                unhandled_request(request, "The engine")  # mypy: a new kind must be handled

    def _generate(
        self, request: GenerationRequest, on_progress: ProgressCallback, cancel: threading.Event
    ) -> Iterator[GeneratedImage]:
        # The backend's batch loop resolves the seed, once for the whole job.
        info = self._registry.resolve(request.model)
        request = replace(request, model=info.id)
        if not _is_builtin(info):
            from studio.engine.sd.addon_check import check_addons

            self._registry.note_model_in_use(info.location)  # its tool's add-ons count
            check_addons(request, info.family, self._registry)  # bad add-ons never wait a load
        backend = self._backend_for(info, _job_steps(request, info), on_progress)
        for image in backend.generate(request, on_progress, cancel):
            yield _with_seam_scores(image)

    def _character_sheet(
        self, request: CharacterSheetRequest, on_progress: ProgressCallback, cancel: threading.Event
    ) -> Iterator[GeneratedImage]:
        from studio.engine.character_sheet import run_character_sheet

        info = self._registry.resolve(request.generation.model)
        generation = replace(request.generation, model=info.id)
        yield from run_character_sheet(
            replace(request, generation=generation),
            info,
            self._registry,
            self._generate,
            on_progress,
            cancel,
        )

    def style_presets(self) -> list[tuple[int, str, bytes | None]]:
        """Built-in styles with thumbnails (rendered once from the sample image, then cached)."""
        from studio.engine.style import list_presets, render_preset_thumbnails

        thumbnails = render_preset_thumbnails(networks=self._residency)
        return [
            (preset.index, preset.name, _read_or_none(thumbnails.get(preset.index)))
            for preset in list_presets()
        ]

    def close(self) -> None:
        """Unload everything loaded (model, style networks) and free its memory."""
        self._residency.clear()

    def _stylize(
        self, request: StyleRequest, on_progress: ProgressCallback, cancel: threading.Event
    ) -> GeneratedImage:
        from studio.engine.style import run_style_job

        device, _dtype = self._device_and_dtype()
        return run_style_job(request, on_progress, cancel, device, networks=self._residency)

    def _backend_for(
        self, info: ModelInfo, total_steps: int, on_progress: ProgressCallback
    ) -> GenerationBackend:
        # Keyed by the device asked for, not the one picked: picking imports torch, which the
        # numpy runtime of the built-in default never needs (a device change clears all).
        key = ResidentKey(ResidentKind.GENERATOR, info.id, self._preference())
        loaded = self._residency.get(key)
        if loaded is not None:
            return loaded
        on_progress(ProgressUpdate(step=0, total=total_steps, message=f"Loading {info.name}"))
        return self._residency.acquire(
            key, lambda make_room: self._load(info, make_room), release=_unload_backend
        )

    def _load(self, info: ModelInfo, make_room: MakeRoom) -> GenerationBackend:
        if _is_builtin(info):
            return self._load_builtin(info)
        self._torch_stack.ensure(pipelines=True)
        device, dtype = self._device_and_dtype()
        from studio.engine.sd.diffusers_backend import load_diffusers_backend

        self._registry.note_model_in_use(info.location)  # its tool's LoRAs and embeddings count
        backend = load_diffusers_backend(
            info,
            device,
            dtype,
            release_previous=make_room,
            addon_index=self._registry,  # the prompt's LoRAs and embeddings are looked up there
        )
        if self._settings.fast_path:
            from studio.engine.sd.fast_path import apply_fast_path

            apply_fast_path(backend.pipeline)  # compiles at the first step, not here
        return backend

    def _load_builtin(self, info: ModelInfo) -> GenerationBackend:
        from studio.engine.builtin.loader import load_builtin_backend

        # Decided before torch is imported: the numpy runtime is what makes the first sprite of
        # a fresh process take a fraction of a second instead of torch's import time.
        if self._runs_on_numpy(info):
            return load_builtin_backend(info, "cpu")
        device, dtype = self._device_and_dtype()
        return load_builtin_backend(info, device, dtype)

    def _runs_on_numpy(self, info: ModelInfo) -> bool:
        if not _is_builtin(info):
            return False
        from studio.engine.builtin.loader import builtin_family, runs_on_numpy

        return runs_on_numpy(builtin_family(info), self._preference())

    def _preference(self) -> str:
        preference = self._device_preference
        return self._settings.device if preference == "auto" else preference

    def _device_and_dtype(self) -> tuple[torch.device, torch.dtype]:
        if self._device is None:
            self._torch_stack.ensure(pipelines=False)
            from studio.engine.device import pick_device

            self._device = pick_device(self._preference())
        return self._device


def _is_builtin(info: ModelInfo) -> bool:
    return info.source is ModelSource.BUILTIN or info.family is ModelFamily.BUILTIN


def _unload_backend(backend: GenerationBackend) -> None:
    log.info("unloading %s", backend.model.name)
    backend.unload()


def _read_or_none(path: Path | None) -> bytes | None:
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None  # a missing thumbnail shows as a plain gallery entry


def _with_seam_scores(image: GeneratedImage) -> GeneratedImage:
    """Record how well a tiled image wraps (``Seam score X/Y``, about 1 means seamless)."""
    request = image.request
    if not isinstance(request, GenerationRequest) or not (request.tile_x or request.tile_y):
        return image
    from studio.imaging.seams import seam_scores

    scores = seam_scores(image.pixels)
    extra = dict(image.extra)
    if request.tile_x:
        extra["Seam score X"] = scores["x"]
    if request.tile_y:
        extra["Seam score Y"] = scores["y"]
    return replace(image, extra=extra)


def _job_steps(request: GenerationRequest, info: ModelInfo) -> int:
    """Steps the whole job will report, for the loading message before sampling starts.

    Sizes need no check here: a request's sides are already multiples of 8, what the SD VAE
    needs.
    """
    if info.family not in (ModelFamily.SD1, ModelFamily.SD2, ModelFamily.SDXL, ModelFamily.UNKNOWN):
        return request.steps * request.batch_count
    from studio.engine.sd.steps import steps_per_image

    return steps_per_image(request) * request.batch_count
