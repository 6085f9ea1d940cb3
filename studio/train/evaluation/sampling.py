"""Sprites for a list of prompts, one seed each, through the app's generation interface."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from studio.domain.requests import GenerationRequest


def generate_prompt_images(
    backend, model_id: str, texts: Sequence[str], seeds: Sequence[int], size: int, alpha: str
) -> np.ndarray:
    """uint8 RGBA ``(len(texts), size, size, 4)``: ``texts[i]`` with ``seeds[i]``."""
    from studio.train.evaluation.report import to_rgba

    cancel = threading.Event()
    images = np.zeros((len(texts), size, size, 4), dtype=np.uint8)
    for i, (text, seed) in enumerate(zip(texts, seeds, strict=True)):
        request = GenerationRequest(
            text, model=model_id, width=size, height=size, seed=seed, alpha=alpha
        )
        result = next(iter(backend.generate(request, lambda update: None, cancel)))
        images[i] = to_rgba(result.pixels, size)
    return images
