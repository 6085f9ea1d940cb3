"""Run one image-edit request (pixelate, remove background, make seamless) to a result.

The one place an edit becomes a :class:`GeneratedImage` with its recipe: the worker's CPU
lane and the CLI (``studio pixelate``, ``studio matte``) both call :func:`run_image_request`,
then :func:`studio.imaging.result.encode_result` writes the ``studio`` chunk and the
A1111-style ``parameters`` text once. The recipe's ``extra`` holds what the edit found (the
grid, the key colour), a ``Postprocess`` key naming the edit (A1111's extras tab writes its
steps as ``Postprocess ...`` keys) and the source entry's own recipe.
"""

from __future__ import annotations

import threading
import time
from typing import Any, assert_never

import numpy as np

from studio.domain.editing import SeamlessRequest
from studio.domain.errors import JobCancelled
from studio.domain.image_requests import (
    ImageRequest,
    MakeSeamlessRequest,
    MatteRequest,
    PixelateRequest,
)
from studio.domain.results import GeneratedImage

EDIT_TITLES = {"pixelate": "Pixelate", "matte": "Remove background", "tile": "Make seamless"}


def run_image_request(
    request: ImageRequest, cancel: threading.Event | None = None
) -> GeneratedImage:
    """Do the edit ``request`` asks for and return the result with its recipe facts.

    Parameters
    ----------
    cancel
        Checked before the work and after it (the imaging functions run to their end once
        started); a set event raises :class:`JobCancelled`.

    Raises
    ------
    JobCancelled
        When ``cancel`` was set.
    StudioError
        The edit's own one-line refusal (a busy background, a palette or size out of range).
    """
    cancel = cancel or threading.Event()
    _check(cancel)
    started = time.monotonic()
    match request:
        case PixelateRequest():
            pixels, kind, facts, recipe_request = _pixelate(request)
        case MatteRequest():
            pixels, kind, facts, recipe_request = _matte(request)
        case MakeSeamlessRequest():
            pixels, kind, facts, recipe_request = _seamless(request)
        case _:
            assert_never(request)
    _check(cancel)
    extra = {
        "Postprocess": EDIT_TITLES[kind],
        **facts,
        "source_recipe": dict(request.source.recipe),
    }
    if request.source.prompt:  # what the history row shows, as for the source
        extra["source_prompt"] = request.source.prompt
    return GeneratedImage(
        request=recipe_request,
        pixels=pixels,
        kind=kind,
        elapsed_s=time.monotonic() - started,
        extra=extra,
    )


def _check(cancel: threading.Event) -> None:
    if cancel.is_set():
        raise JobCancelled()


Edited = tuple[np.ndarray, str, dict[str, Any], Any]


def _pixelate(request: PixelateRequest) -> Edited:
    from studio.imaging.pixelart import pixelate

    result, cell = pixelate(request.pixels, request.options)
    return result, "pixelate", {"grid": int(cell)}, request


def _matte(request: MatteRequest) -> Edited:
    # scipy and pymatting load on first use, not with the window or the CLI.
    from studio.imaging.matte import matte_image

    matte = matte_image(request.pixels, request.key, request.method, name=request.name)
    if matte.key is None:  # already cut out: its own alpha is kept, not re-keyed
        facts: dict[str, Any] = {"key": None, "matte": "own alpha kept, edge bleed"}
    else:
        facts = {
            "key": "#{:02x}{:02x}{:02x}".format(*matte.key),
            "matte": f"pymatting {request.method}, despill, edge bleed",
        }
    if matte.note:
        facts["note"] = matte.note
    return matte.pixels, "matte", facts, request


def _seamless(request: MakeSeamlessRequest) -> Edited:
    import hashlib

    from studio.imaging.seamless import repair_seams
    from studio.imaging.seams import seam_scores

    out = repair_seams(request.pixels, tile_x=request.tile_x, tile_y=request.tile_y).pixels
    scores = seam_scores(out)
    source = hashlib.sha256(np.ascontiguousarray(request.pixels).tobytes()).hexdigest()
    # The recipe record stays the one `studio tile` writes, so both read back alike.
    record = SeamlessRequest(source_sha256=source, tile_x=request.tile_x, tile_y=request.tile_y)
    facts = {
        "Seam score X": scores["x"],
        "Seam score Y": scores["y"],
        "source_entry_id": request.source.entry_id,
    }
    return out, "tile", facts, record
