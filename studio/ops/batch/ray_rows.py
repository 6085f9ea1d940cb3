"""A request as a row of a Ray Dataset, with every image it carries, and back.

A request's stored form (``to_dict``) keeps only the SHA-256 of its images, and an actor on
another node cannot open the artist's files; so the row carries the images themselves: the
init image and mask as bytes columns, the images of the ControlNet units and references as
one JSON list of base64 text (every row keeps one type per column, as Arrow needs, whatever
its number of units).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest

REQUEST_COLUMNS = ("request", "init_image", "mask_image", "unit_images")


def request_row(request: GenerationRequest) -> dict[str, object]:
    """The columns that carry ``request`` and its images to an actor."""
    units = unit_images(request)
    return {
        "request": json.dumps(request.to_dict()),
        "init_image": request.init_image or b"",
        "mask_image": request.mask_image or b"",
        "unit_images": json.dumps(
            [None if image is None else base64.b64encode(image).decode("ascii") for image in units]
        ),
    }


def request_from_row(row: Mapping[str, Any]) -> GenerationRequest:
    """The request :func:`request_row` shipped, its images back in place.

    Raises
    ------
    InvalidRequestError
        If the row's units do not match its request (a row not written by this module).
    """
    request = GenerationRequest.from_dict(
        json.loads(str(row["request"])),
        init_image=bytes(row["init_image"]) or None,
        mask_image=bytes(row["mask_image"]) or None,
    )
    images = [
        None if text is None else base64.b64decode(text)
        for text in json.loads(str(row["unit_images"]))
    ]
    return with_unit_images(request, images)


def with_unit_images(
    request: GenerationRequest, images: Sequence[bytes | None]
) -> GenerationRequest:
    """``request`` with its units' images set from ``images`` (its controls', then its references').

    Raises
    ------
    InvalidRequestError
        If there are not as many images as units.
    """
    count = len(request.controls) + len(request.references)
    if count != len(images):
        raise InvalidRequestError(f"A shipped request has {count} units but {len(images)} images.")
    pictures = iter(images)
    controls = tuple(replace(unit, image=next(pictures)) for unit in request.controls)
    references = tuple(replace(unit, image=next(pictures)) for unit in request.references)
    return replace(request, controls=controls, references=references)


def unit_images(request: GenerationRequest) -> list[bytes | None]:
    """The images of ``request``'s units: its controls', then its references'."""
    return [unit.image for unit in (*request.controls, *request.references)]
