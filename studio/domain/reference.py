"""A reference image on a generation request: an IP-Adapter steers the result toward it.

A :class:`ReferenceImage` is the image (PNG bytes, read before the job so the request is all
the engine reads), how strongly it steers, which IP-Adapter among the user's models reads it
(empty: the one of the model's family) and where it came from. Its stored form references the
image by SHA-256, as the request's other images are; the A1111-like recipe text names the
adapter and a short hash of the image (:func:`reference_parameters`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

from studio.domain.errors import InvalidRequestError

MAX_REFERENCES = 4
MAX_REFERENCE_WEIGHT = 2.0
UNIT_PREFIX = "IP-Adapter "
_STORED = ("weight", "model", "source")  # every field but the image
_SHORT_HASH = 12  # hex digits of the image's SHA-256 in the recipe text


@dataclass(frozen=True)
class ReferenceImage:
    """One reference image of a generation.

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

    def __post_init__(self) -> None:
        weight = self.weight
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise InvalidRequestError(f"Reference weight must be a number, not {weight!r:.40}.")
        object.__setattr__(self, "weight", float(weight))
        if not math.isfinite(self.weight) or not 0.0 <= self.weight <= MAX_REFERENCE_WEIGHT:
            raise InvalidRequestError(
                f"Reference weight {self.weight:g} is out of range: "
                f"use 0 to {MAX_REFERENCE_WEIGHT:g}."
            )
        if not isinstance(self.model, str) or not isinstance(self.source, str):
            raise InvalidRequestError("Reference model and source must be text.")
        if self.image is not None and not isinstance(self.image, bytes):
            raise InvalidRequestError("A reference image must be encoded image bytes.")

    @property
    def image_sha256(self) -> str | None:
        """Hex digest of the reference image (``None`` when it carries none)."""
        return None if self.image is None else hashlib.sha256(self.image).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The stored form: every option and the image's digest, never its pixels."""
        stored = {name: getattr(self, name) for name in _STORED}
        return {**stored, "image_sha256": self.image_sha256}

    @classmethod
    def from_dict(cls, data: Any) -> ReferenceImage:
        """A reference from :meth:`to_dict` output, without its image.

        Raises
        ------
        InvalidRequestError
            If ``data`` is not an object or a value is wrong.
        """
        if not isinstance(data, dict):
            raise InvalidRequestError("A stored reference image must be a JSON object.")
        return cls(**{key: data[key] for key in _STORED if key in data})


def check_references(references: tuple[ReferenceImage, ...]) -> tuple[ReferenceImage, ...]:
    """The request's references as a tuple, refused in one line when too many or not specs."""
    references = tuple(references)
    if len(references) > MAX_REFERENCES:
        raise InvalidRequestError(
            f"{len(references)} reference images is too many: use at most {MAX_REFERENCES}."
        )
    if not all(isinstance(reference, ReferenceImage) for reference in references):
        raise InvalidRequestError("References must be ReferenceImage specs.")
    return references


def reference_parameters(
    references: tuple[ReferenceImage, ...], model_labels: tuple[str, ...]
) -> dict[str, str]:
    """``{"IP-Adapter 0": "Model: NAME [HASH], Weight: 0.8, Image hash: ..."}`` per reference.

    Written in the shape of sd-webui-controlnet's units (``Key: value`` pairs), so the text
    reads like the rest of an A1111 recipe; the image hash says which picture was used.
    """
    entries = {}
    for index, (reference, label) in enumerate(zip(references, model_labels, strict=True)):
        pairs = {"Model": _plain(label), "Weight": repr(reference.weight)}
        if reference.image_sha256 is not None:
            pairs["Image hash"] = reference.image_sha256[:_SHORT_HASH]
        if reference.source:
            pairs["Source"] = _plain(reference.source)
        entries[f"{UNIT_PREFIX}{index}"] = ", ".join(f"{k}: {v}" for k, v in pairs.items())
    return entries


def _plain(text: str) -> str:
    # The pairs are split on "," and ":", so a name keeps neither.
    return text.replace(",", " ").replace(":", " ")
