"""``studio batch --upscale``: every result upscaled before it is committed.

A wrapper around whichever executor makes the images: each image that arrives goes through the
engine's upscale job (:class:`~studio.domain.upscale_request.UpscaleRequest`, the same job as
``studio upscale`` and the GUI), and the upscaled image is what the output keeps, its recipe
holding the generation's as its source. A failed upscale fails that item only, in one line, so
``--resume`` makes it again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace

from studio.domain.batch_items import BatchItem
from studio.domain.engine_protocol import EngineProtocol
from studio.domain.errors import StudioError
from studio.domain.image_requests import EditSource
from studio.domain.results import GeneratedImage
from studio.domain.upscale_request import UpscaleRequest
from studio.ops.batch.runner import Executor, Outcome


class UpscalingExecutor:
    """``inner``'s outcomes, each image upscaled by ``model`` on ``engine`` (this machine).

    Parameters
    ----------
    model
        ``nearest``, an upscaler's name or its file.
    scale
        The factor; ``None`` is the model's own.
    """

    def __init__(
        self, inner: Executor, engine: EngineProtocol, model: str, scale: int | None
    ) -> None:
        self._inner = inner
        self._engine = engine
        self._model = model
        self._scale = scale

    def run(self, items: Sequence[BatchItem], cancel: threading.Event) -> Iterator[Outcome]:
        for outcome in self._inner.run(items, cancel):
            if outcome.image is None:
                yield outcome
                continue
            try:
                image = self._upscale(outcome.image, cancel)
            except StudioError as exc:
                yield replace(outcome, image=None, error=f"upscale: {exc}")
                continue
            yield replace(outcome, image=image)

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()

    def _upscale(self, image: GeneratedImage, cancel: threading.Event) -> GeneratedImage:
        from studio.imaging.recipe_chunks import image_recipe_chunks

        # The generation's recipe travels inside the upscaled image's, as for an edit.
        recipe = json.loads(image_recipe_chunks(image)["studio"])
        prompt = getattr(image.request, "prompt", "")
        request = UpscaleRequest(
            image.pixels,
            model=self._model,
            scale=self._scale,
            tile_x=bool(getattr(image.request, "tile_x", False)),
            tile_y=bool(getattr(image.request, "tile_y", False)),
            source=EditSource(prompt=prompt if isinstance(prompt, str) else "", recipe=recipe),
        )
        (upscaled,) = self._engine.run(request, _ignore_progress, cancel)
        return upscaled


def _ignore_progress(_update: object) -> None:
    """The batch bar counts images; tiles would only make it flicker."""
