"""A scriptable engine for worker and UI tests (DESIGN.md: "UI tests use a scriptable fake").

It keeps the :class:`studio.domain.engine_protocol.EngineProtocol` contract exactly: yields each
image as it is made, reports every step, honours cancel within one step, raises StudioError
subclasses with actionable messages. Tests steer it with events, never with sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np

from studio.domain.errors import JobCancelled, ModelLoadError, ModelNotFoundError
from studio.domain.model_kind import AddonInfo
from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.domain.requests import GenerationRequest
from studio.domain.results import GeneratedImage, ProgressUpdate
from studio.domain.style import StyleRequest
from studio.imaging.decode import load_pixels

FAKE_MODEL = ModelInfo(
    id="fake-sd",
    name="Fake SD",
    family=ModelFamily.SD1,
    source=ModelSource.USER,
    format=ModelFormat.DIFFUSERS,
    location="/models/fake-sd",
    default_size=(64, 64),
)
STYLE_PREVIEW_LEVEL = 77  # grey level of the iterative style previews


def pixels_for(seed: int, width: int, height: int) -> np.ndarray:
    """Deterministic, seed-dependent RGB pixels (what a real model's determinism looks like)."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)


class ScriptedEngine:
    """Fake engine steered by tests.

    Attributes
    ----------
    pause_at
        Global step number at which ``run`` stops until ``resume`` is set (``paused`` is set
        when it gets there), so a test can cancel mid-run deterministically.
    fail_word
        Prompts containing it fail after their first step with a ModelLoadError.
    """

    def __init__(self, models: list[ModelInfo] | None = None) -> None:
        self.models = list(models if models is not None else [FAKE_MODEL])
        self.pause_at: int | None = None
        self.paused = threading.Event()
        self.resume = threading.Event()
        self.fail_word = "FAIL"
        self.crash_word = "CRASH"
        self.requests: list[object] = []
        self.added_paths: list[str] = []
        self.addons: list[AddonInfo] = []
        self.closed = False
        self.warmed_up = False

    def warm_up(self) -> None:
        self.warmed_up = True

    def list_models(self) -> list[ModelInfo]:
        return list(self.models)

    def list_addons(self) -> list[AddonInfo]:
        return list(self.addons)

    def add_model_path(self, path: str) -> ModelInfo:
        if not path.endswith((".safetensors", "/")):
            raise ModelLoadError(f"{path} is not a model: choose a .safetensors file or a folder.")
        info = ModelInfo(
            id=path,
            name=path.rsplit("/", 1)[-1],
            family=ModelFamily.SD1,
            source=ModelSource.USER,
            format=ModelFormat.SAFETENSORS,
            location=path,
        )
        self.added_paths.append(path)
        self.models.append(info)
        return info

    def run(
        self, request: GenerationRequest, on_progress, cancel: threading.Event
    ) -> Iterator[GeneratedImage]:
        self.requests.append(request)
        if isinstance(request, StyleRequest):
            yield from self._stylize(request, on_progress, cancel)
            return
        if request.model and request.model not in {m.id for m in self.models}:
            raise ModelNotFoundError(
                f"No model named {request.model!r}. Add it with File > Add Model."
            )
        request = request.resolved()
        total = request.steps * request.batch_count
        for index in range(request.batch_count):
            for step_in_image in range(request.steps):
                step = index * request.steps + step_in_image + 1
                if self.pause_at == step:
                    self.paused.set()
                    self.resume.wait(timeout=30)  # a guard against a hung test, not a delay
                if cancel.is_set():
                    raise JobCancelled()
                if self.crash_word in request.prompt:
                    raise ZeroDivisionError("division by zero")
                if self.fail_word in request.prompt:
                    raise ModelLoadError(
                        "model.safetensors is damaged or incomplete: download it again."
                    )
                preview = np.full((8, 8, 3), step * 10 % 256, dtype=np.uint8)
                on_progress(ProgressUpdate(step, total, preview))
            seed = request.seed_for(index)
            yield GeneratedImage(
                request=request.with_seed(seed),
                pixels=pixels_for(seed, request.width, request.height),
                index=index,
                model_name=FAKE_MODEL.name,
            )

    def _stylize(
        self, request: StyleRequest, on_progress, cancel: threading.Event
    ) -> Iterator[GeneratedImage]:
        """A stand-in style: inverts the source where the mask allows, one step per 'tile'.

        Like the real engine, the iterative method sends small previews (at its work size,
        not the source size) and the result names its styles in ``extra["style_summary"]``.
        """
        source = load_pixels(request.source, mode="RGB")
        tiles = 3
        for step in range(1, tiles + 1):
            if self.pause_at == step:
                self.paused.set()
                self.resume.wait(timeout=30)
            if cancel.is_set():
                raise JobCancelled()
            preview = None
            if request.method == "iterative":
                preview = np.full((8, 8, 3), STYLE_PREVIEW_LEVEL, dtype=np.uint8)
            on_progress(ProgressUpdate(step, tiles, preview))
        styled = 255 - source
        if request.mask is not None:
            mask = load_pixels(request.mask, mode="RGB")[..., :1] > 127
            styled = np.where(mask, styled, source)
        labels = [f"preset {i}" for i in request.presets] + list(request.style_labels)
        summary = ", ".join(
            f"{label} {weight:.0%}"
            for label, weight in zip(labels, request.normalized_weights, strict=True)
        )
        yield GeneratedImage(
            request=request,
            pixels=styled.astype(np.uint8),
            kind="style",
            extra={"styles": labels, "style_summary": summary},
        )

    def style_presets(self) -> list[tuple[int, str, bytes | None]]:
        return [(i, name, None) for i, name in enumerate(("Ink Wash", "Mosaic", "Pastel"))]

    def close(self) -> None:
        self.closed = True
