"""The Generate request the canvas implies: the panel's tiling and, over a painted mask, inpaint.

Generate reads the edit panel through here, which turns a painted mask into an inpaint request
of the canvas image; the engine does the rest.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtGui import QImage

from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest
from studio.imaging.png import encode_png
from studio.ui.edit_panel import EditPanel
from studio.ui.image_convert import array_from_qimage

# (margins, fill) of an outpaint the canvas shows, or None
Outpaint = tuple[tuple[int, int, int, int], str] | None


def canvas_request(
    request: GenerationRequest,
    panel: EditPanel,
    image: QImage | None,
    mask_png: bytes | None,
    outpaint: Outpaint,
) -> GenerationRequest:
    """``request`` with the panel's tiling and, when a mask is painted, inpainting.

    Parameters
    ----------
    request
        The prompt panel's request.
    panel
        The edit panel (tiling, feather, only-masked).
    image, mask_png
        The canvas image and its painted mask as PNG (``None``: nothing painted).
    outpaint
        The outpaint the canvas shows, recorded in the request.

    Raises
    ------
    InvalidRequestError
        If a mask is painted but no image is on the canvas.
    """
    request = replace(request, tile_x=panel.tile_x.isChecked(), tile_y=panel.tile_y.isChecked())
    if mask_png is None:
        return request
    if image is None:
        raise InvalidRequestError("The mask has no image under it: show an image first.")
    only = panel.only_masked.isChecked()
    # One replace: the request checks its fields together (an outpaint needs its size).
    changes: dict[str, Any] = {} if only else {"width": image.width(), "height": image.height()}
    if outpaint is not None:
        changes["outpaint"], changes["outpaint_fill"] = outpaint
    return replace(
        request,
        init_image=encode_png(array_from_qimage(image)),
        mask_image=mask_png,
        mask_blur=panel.feather_spin.value(),
        only_masked=only,
        only_masked_padding=panel.padding_spin.value(),
        strength=1.0 if request.init_image is None else request.strength,
        **changes,
    )
