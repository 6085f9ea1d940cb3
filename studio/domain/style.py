"""What a style-transfer job needs, captured the moment the user presses Apply.

A :class:`StyleRequest` is frozen, validated on construction and round-trips through JSON like
:class:`studio.domain.requests.GenerationRequest`: image bytes (source, style images, mask) are
referenced by SHA-256 in :meth:`StyleRequest.to_dict`, never embedded, so the history recipe stays
small and the pixels live once in the project file.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any, ClassVar

from studio.domain.errors import InvalidRequestError
from studio.domain.job_kind import JobKind
from studio.domain.request_codec import StoredByFields, image_field, request_from_dict
from studio.domain.request_limits import MAX_SEED, MAX_SIDE

NUM_PRESETS = 26
MAX_STYLES = 4
MIN_PROCESS_SIDE = 32
MAX_ITERATIONS = 1000
STYLE_METHODS = ("fast", "iterative")
STYLE_REQUEST_SCHEMA = 1


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class StyleRequest(StoredByFields):
    """One style-transfer job: a source image, up to four styles and how to apply them.

    Parameters
    ----------
    source
        PNG (or any decodable) bytes of the image to restyle.
    source_label
        Where the source came from, for the recipe ("history #12", a file name).
    presets
        Indices of built-in styles, ``0`` to ``25``.
    style_images
        Encoded images whose look is transferred ("any image as a style").
    style_labels
        One label per style image (file names); empty gives ``"style image 1"`` and so on.
    weights
        One non-negative weight per style, presets first then images; empty means equal weights.
        Only ratios matter: weights are normalised to sum to one.
    strength
        ``0`` leaves the image untouched, ``1`` is the full style.
    preserve_colors
        Keep the source's colours and transfer only luminance.
    mask
        8-bit greyscale PNG the size of the source; white applies the style, black keeps the
        source, grey blends.
    max_size
        Longest side the network works at; the result is scaled back to the source size.
        ``None`` works at the source size (large images go through tiles).
    method
        ``"fast"`` (feed-forward networks) or ``"iterative"`` (optimisation, slower).
    iterations
        Optimisation steps for the iterative method.
    seed
        Seed of the iterative method's starting noise; ``None`` starts from the source exactly.
    """

    kind: ClassVar[JobKind] = JobKind.STYLE
    schema: ClassVar[int] = STYLE_REQUEST_SCHEMA

    source: bytes = image_field("source_sha256")
    source_label: str = ""
    presets: tuple[int, ...] = ()
    style_images: tuple[bytes, ...] = image_field("style_image_sha256s", default=())
    style_labels: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    strength: float = 1.0
    preserve_colors: bool = False
    mask: bytes | None = image_field("mask_sha256", default=None)
    max_size: int | None = None
    method: str = "fast"
    iterations: int = 200
    seed: int | None = None

    def __post_init__(self) -> None:
        self._normalise_sequences()
        self._check_source_and_mask()
        self._check_styles()
        self._check_weights()
        self._check_options()

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def _normalise_sequences(self) -> None:
        # JSON gives lists; the dataclass promises hashable tuples.
        for name in ("presets", "style_images", "style_labels", "weights"):
            value = getattr(self, name)
            if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
                raise InvalidRequestError(f"Style request field {name!r} must be a list.")
            self._set(name, tuple(value))
        if not self.style_labels:
            labels = tuple(f"style image {i + 1}" for i in range(len(self.style_images)))
            self._set("style_labels", labels)
        self._set("strength", float(self.strength))
        self._set("preserve_colors", bool(self.preserve_colors))

    def _check_source_and_mask(self) -> None:
        if not isinstance(self.source, bytes) or not self.source:
            raise InvalidRequestError("The image to restyle is empty: choose an image first.")
        if self.mask is not None and (not isinstance(self.mask, bytes) or not self.mask):
            raise InvalidRequestError(
                "The mask is empty: paint a mask or apply to the whole image."
            )
        if not all(isinstance(image, bytes) and image for image in self.style_images):
            raise InvalidRequestError("A style image is empty: choose another image as the style.")

    def _check_styles(self) -> None:
        total = self.style_count
        if total == 0:
            raise InvalidRequestError("Choose at least one style: a preset or a style image.")
        if total > MAX_STYLES:
            raise InvalidRequestError(
                f"{total} styles chosen: blend at most {MAX_STYLES} (presets and images together)."
            )
        for index in self.presets:
            if isinstance(index, bool) or not isinstance(index, int):
                raise InvalidRequestError(f"Preset {index!r} is not a number from 0 to 25.")
            if not 0 <= index < NUM_PRESETS:
                raise InvalidRequestError(
                    f"Preset {index} is out of range: use 0 to {NUM_PRESETS - 1}."
                )
        if len(set(self.presets)) != len(self.presets):
            raise InvalidRequestError("A preset is listed twice: list each preset once.")
        if len(self.style_labels) != len(self.style_images):
            raise InvalidRequestError("Give one label per style image, or none.")

    def _check_weights(self) -> None:
        if not self.weights:
            return
        if len(self.weights) != self.style_count:
            raise InvalidRequestError(
                f"{len(self.weights)} weights for {self.style_count} styles: "
                "give one weight per style (presets first, then images)."
            )
        try:
            weights = tuple(float(w) for w in self.weights)
        except (TypeError, ValueError):
            raise InvalidRequestError("Style weights must be numbers, e.g. 0.7,0.3.") from None
        if any(not math.isfinite(w) or w < 0 for w in weights) or sum(weights) <= 0:
            raise InvalidRequestError(
                "Style weights must be zero or positive and not all zero, e.g. 0.7,0.3."
            )
        self._set("weights", weights)

    def _check_options(self) -> None:
        if not 0.0 <= self.strength <= 1.0 or math.isnan(self.strength):
            raise InvalidRequestError(f"Strength {self.strength:g} is out of range: use 0 to 1.")
        if self.max_size is not None and not MIN_PROCESS_SIDE <= self.max_size <= MAX_SIDE:
            raise InvalidRequestError(
                f"Max size {self.max_size} is out of range: use {MIN_PROCESS_SIDE} to {MAX_SIDE}."
            )
        if self.method not in STYLE_METHODS:
            raise InvalidRequestError(
                f"Unknown style method {self.method!r}: use one of {', '.join(STYLE_METHODS)}."
            )
        if not 1 <= self.iterations <= MAX_ITERATIONS:
            raise InvalidRequestError(
                f"Iterations {self.iterations} is out of range: use 1 to {MAX_ITERATIONS}."
            )
        if self.seed is not None and not 0 <= self.seed <= MAX_SEED:
            raise InvalidRequestError(f"Seed {self.seed} is out of range: use 0 to {MAX_SEED}.")

    @property
    def style_count(self) -> int:
        """Presets plus style images."""
        return len(self.presets) + len(self.style_images)

    @property
    def normalized_weights(self) -> tuple[float, ...]:
        """One weight per style (presets first, then images), summing to one."""
        raw = self.weights or (1.0,) * self.style_count
        total = sum(raw)
        return tuple(w / total for w in raw)

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        source: bytes,
        style_images: tuple[bytes, ...] = (),
        mask: bytes | None = None,
    ) -> StyleRequest:
        """Build a request from :meth:`to_dict` output and the images it references.

        Raises
        ------
        InvalidRequestError
            If a value has the wrong type or is out of range, or an image's hash does not match.
        """
        if isinstance(data, dict):
            _check_hashes(data, source, style_images, mask)
        images = {"source": source, "style_images": tuple(style_images), "mask": mask}
        return request_from_dict(cls, data, images, what="style request")


def _check_hashes(
    data: dict[str, Any], source: bytes, style_images: tuple[bytes, ...], mask: bytes | None
) -> None:
    """Refuse to rebuild a recipe around the wrong pixels."""
    expected = data.get("source_sha256")
    if expected is not None and expected != _sha256(source):
        raise InvalidRequestError("The stored source image does not match its recipe.")
    hashes = data.get("style_image_sha256s")
    if hashes is not None and list(hashes) != [_sha256(image) for image in style_images]:
        raise InvalidRequestError("The stored style images do not match their recipe.")
    mask_hash = data.get("mask_sha256")
    if mask_hash is not None and (mask is None or mask_hash != _sha256(mask)):
        raise InvalidRequestError("The stored mask does not match its recipe.")
