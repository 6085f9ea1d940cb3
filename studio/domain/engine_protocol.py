"""The one way into the engine, as the worker sees it.

The worker holds an object with this shape. The real one is
:class:`studio.engine.service.EngineService`; UI and worker tests pass a scriptable fake. Keeping
the contract here (not in the engine) lets the worker and its tests stay free of torch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Protocol

from studio.domain.jobs import JobRequest
from studio.domain.model_addition import ModelAddition
from studio.domain.model_kind import AddonInfo
from studio.domain.models import ModelInfo
from studio.domain.results import GeneratedImage, ProgressUpdate

ProgressCallback = Callable[[ProgressUpdate], None]


class EngineProtocol(Protocol):
    """What the inference worker needs from an engine.

    All methods run on the worker thread. ``run`` yields each image the moment it exists so it
    can be committed to the project at once; it raises
    :class:`studio.domain.errors.JobCancelled` within one step of ``cancel`` being set and a
    :class:`studio.domain.errors.StudioError` with an actionable message on failure.
    """

    def warm_up(self) -> None:
        """Import the heavy libraries now, on the worker, before the first job needs them."""
        ...

    def list_models(self) -> list[ModelInfo]: ...

    def add_model_path(self, path: str) -> ModelInfo: ...

    def add_model_folder(self, path: str) -> ModelAddition:
        """Remember a folder (or one file) of any kinds, A1111/ComfyUI/InvokeAI installs too,
        and say what it holds; raises a StudioError when it holds nothing Studio can use."""
        ...

    def list_addons(self) -> list[AddonInfo]:
        """The add-ons (LoRAs, embeddings, upscalers...) in the added folders."""
        ...

    def run(
        self, request: JobRequest, on_progress: ProgressCallback, cancel: threading.Event
    ) -> Iterator[GeneratedImage]: ...

    def style_presets(self) -> list[tuple[int, str, bytes | None]]:
        """Built-in styles as ``(index, name, thumbnail PNG or None)``, thumbnails cached."""
        ...

    def close(self) -> None: ...
