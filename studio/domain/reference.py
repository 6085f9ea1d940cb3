"""A reference image on a generation request: an IP-Adapter steers the result toward it.

A :class:`ReferenceImage` is the image (PNG bytes, read before the job so the request is all
the engine reads), how strongly it steers, which IP-Adapter among the user's models reads it
(empty: the one of the model's family) and where it came from. Its stored form references the
image by SHA-256, as the request's other images are; the A1111-like recipe text names the
adapter and a short hash of the image (:func:`reference_parameters`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from studio.domain import unit_pairs as pairs_text
from studio.domain.errors import InvalidRequestError
from studio.domain.image_unit import ImageUnit

MAX_REFERENCES = 4
MAX_REFERENCE_WEIGHT = 2.0
UNIT_PREFIX = "IP-Adapter "
_SHORT_HASH = 12  # hex digits of the image's SHA-256 in the recipe text


@dataclass(frozen=True)
class ReferenceImage(ImageUnit):
    """One reference image of a generation (stored by :class:`ImageUnit`'s rules).

    Parameters
    ----------
    image
        PNG bytes of the reference; ``None`` for one read back from a recipe, which stores
        only its digest.
    weight
        How strongly it steers (the IP-Adapter scale; 0 leaves the image as without it).
    model
        An IP-Adapter name among the user's models, or a path; empty picks the one of the
        model's family.
    source
        Where the image came from, for the recipe and the panel ("canvas", a file name, "#12").
    """

    image: bytes | None = field(default=None, repr=False, compare=False)
    weight: float = 1.0
    model: str = ""
    source: str = ""

    STORED = ("weight", "model", "source")
    WHAT = "reference image"

    def __post_init__(self) -> None:
        self._number("weight", MAX_REFERENCE_WEIGHT)
        if not isinstance(self.model, str) or not isinstance(self.source, str):
            raise InvalidRequestError("Reference model and source must be text.")
        if self.image is not None and not isinstance(self.image, bytes):
            raise InvalidRequestError("A reference image must be encoded image bytes.")


def reference_parameters(
    references: tuple[ReferenceImage, ...], model_labels: tuple[str, ...]
) -> dict[str, str]:
    """``{"IP-Adapter 0": "Model: NAME [HASH], Weight: 0.8, Image hash: ..."}`` per reference.

    Written in the shape of sd-webui-controlnet's units (``Key: value`` pairs), so the text
    reads like the rest of an A1111 recipe; the image hash says which picture was used.
    """
    entries = {}
    for index, (reference, label) in enumerate(zip(references, model_labels, strict=True)):
        pairs = {"Model": pairs_text.plain(label), "Weight": repr(reference.weight)}
        if reference.image_sha256 is not None:
            pairs["Image hash"] = reference.image_sha256[:_SHORT_HASH]
        if reference.source:
            pairs["Source"] = pairs_text.plain(reference.source)
        entries[f"{UNIT_PREFIX}{index}"] = pairs_text.join_pairs(pairs)
    return entries


def references_from_parameters(params: Mapping[str, str]) -> tuple[ReferenceImage, ...]:
    """The references an A1111-like recipe's ``IP-Adapter N`` parameters describe, without
    their images (the recipe keeps only a short hash of each).

    The adapter's name is kept (so the same adapter reads the image added again), as are the
    weight and the source; a unit Studio cannot read is left out, the rest still replays.
    """
    return pairs_text.units_from_parameters(params, UNIT_PREFIX, MAX_REFERENCES, _parse_reference)


def _parse_reference(text: str) -> ReferenceImage:
    pairs = pairs_text.split_pairs(text)
    return ReferenceImage(
        weight=pairs_text.number(pairs.get("weight", "1"), "Reference"),
        model=pairs_text.model_name(pairs.get("model", "")),
        source=pairs.get("source", ""),
    )
