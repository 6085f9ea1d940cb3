"""The icon bank a retrieval-augmented built-in model draws shapes from (numpy only).

``reference_bank.npz`` sits beside the weights: the bank's icons at the model's native size
(straight RGBA ``uint8``), the concept each one shows, its art source and dataset key, and one
unit-length MiniLM sentence vector per concept name, stored as ``int8`` with a scale per row
(about a quarter of float32, and cosine similarities within 0.01 of it). ``detail``, where
present, holds the same icons at twice the size: the enlargement of a sprite follows it
(:mod:`.numpy_runtime.guided`). ``colours``, where present, holds each icon's caption colours,
what the model reads when the prompt names none.

A prompt is looked up by its subject (:func:`studio.domain.prompt_subject.prompt_subject`):
the concepts nearest to it in the sentence space, and among their icons the ones of the art
style the prompt asks for. The seed then picks one of those, so seeds differ in what they draw
on as well as in the latent. The pick is recorded with the image (``drew_on``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from studio.domain.errors import DamagedModelError
from studio.domain.files import require_regular_file
from studio.engine.builtin.numpy_runtime.pixels import (
    straight_to_model,
    straight_to_premultiplied,
)

BANK_NAME = "reference_bank.npz"
NEAREST_CONCEPTS = 3
# Concepts this far below the best match are not "the same object" any more.
SIMILARITY_MARGIN = 0.08
# Which art sources suit a prompt's style word; without one, the colour sources come first.
SOURCES_FOR_STYLE = {
    "silhouette": ("gameicons",),
    "flat": ("fluentflat", "noto"),
    "noto": ("noto",),
    "3d": ("fluent3d",),
}
COLOUR_SOURCES = ("fluent3d", "fluentflat", "noto")
_ARRAYS = ("images", "concept", "source", "keys", "concepts", "sources", "vectors", "scales")
DETAIL = "detail"  # optional: the icons at twice the native size
COLOURS = "colours"  # optional: each icon's caption colours ("green and yellow")


@dataclass(frozen=True)
class Candidates:
    """The bank icons a prompt may draw on, best first, with their concepts' similarity."""

    rows: np.ndarray
    similarity: np.ndarray


@dataclass(frozen=True, eq=False)
class Reference:
    """One bank icon picked for one image."""

    pixels: np.ndarray
    concept: str
    key: str
    source: str
    similarity: float
    flipped: bool
    detail: np.ndarray | None = None
    colours: str = ""

    def model_space(self) -> np.ndarray:
        """``(1, 4, S, S)`` float32 premultiplied RGBA in [-1, 1], as the decoder reads it."""
        return straight_to_model(self.pixels[None])

    def describe(self) -> str:
        """What the image drew on, for the recipe: ``"health potion (gameicons:...), mirrored"``."""
        mirrored = ", mirrored" if self.flipped else ""
        return f"{self.concept} ({self.key}){mirrored}"

    def distance(self, pixels: np.ndarray) -> float:
        """Mean absolute premultiplied-RGBA difference (0-1) of ``pixels`` from this icon.

        ``pixels`` at the native size are compared with the icon, at twice it with its detail.
        """
        icon = self.pixels
        if self.detail is not None and pixels.shape == self.detail.shape:
            icon = self.detail
        difference = straight_to_premultiplied(pixels) - straight_to_premultiplied(icon)
        return float(np.abs(difference).mean())

    def facts(self, pixels: np.ndarray) -> dict[str, object]:
        """The recipe's record of the reference: what was drawn on and how far the result is.

        A result is never meant to be a copy: 0 would be the icon itself; a recoloured icon
        of the same shape is around 0.1-0.3.
        """
        return {"Drew on": self.describe(), "Reference distance": round(self.distance(pixels), 3)}


class ReferenceBank:
    """A loaded ``reference_bank.npz``; use :meth:`load`."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.images = arrays["images"]
        self.concept_of = arrays["concept"].astype(np.int64)
        self.source_of = arrays["source"].astype(np.int64)
        self.keys = [str(key) for key in arrays["keys"]]
        self.concepts = [str(name) for name in arrays["concepts"]]
        #: The concept names and their two-word parts ("banana", "pumpkin lantern"): a colour
        #: name in a prompt that is one of them may name the thing, not its colour.
        self.things = frozenset(self.concepts) | frozenset(
            f"{first} {second}"
            for name in self.concepts
            for first, second in pairwise(name.replace(",", " ").split())
        )
        self.sources = [str(name) for name in arrays["sources"]]
        self._vectors = arrays["vectors"].astype(np.float32) * arrays["scales"][:, None]
        self.detail: np.ndarray | None = arrays.get(DETAIL)
        colours = arrays.get(COLOURS)
        self.colours = [""] * len(self.keys) if colours is None else [str(c) for c in colours]

    @classmethod
    def load(cls, folder: Path) -> ReferenceBank | None:
        """The bank in ``folder``, or ``None`` when the model has none.

        Raises
        ------
        DamagedModelError
            If the file is there but unreadable or incomplete.
        """
        path = Path(folder) / BANK_NAME
        if not path.exists():
            return None
        require_regular_file(path, DamagedModelError)
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in _ARRAYS}
                arrays |= {name: data[name] for name in (DETAIL, COLOURS) if name in data.files}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            raise DamagedModelError(f"{path} is damaged ({exc}): reinstall the model.") from None
        bank = cls(arrays)
        bank._check(path)
        return bank

    def __len__(self) -> int:
        return len(self.keys)

    def candidates(self, subject_vector: np.ndarray, style: str | None) -> Candidates:
        """The icons of the concepts nearest ``subject_vector``, in the prompt's style if any."""
        query = subject_vector / max(float(np.linalg.norm(subject_vector)), 1e-8)
        similarity = self._vectors @ query.astype(np.float32)
        nearest = np.argsort(-similarity)[:NEAREST_CONCEPTS]
        nearest = nearest[similarity[nearest] >= similarity[nearest[0]] - SIMILARITY_MARGIN]
        rows = np.flatnonzero(np.isin(self.concept_of, nearest))
        rows = self._prefer_style(rows, style)
        order = np.argsort(-similarity[self.concept_of[rows]], kind="stable")
        rows = rows[order]
        return Candidates(rows, similarity[self.concept_of[rows]])

    def pick(self, candidates: Candidates, seed: int) -> Reference:
        """One candidate for ``seed``: likelier the closer its concept; flipped on odd draws."""
        rng = np.random.default_rng(seed)
        weights = np.exp((candidates.similarity - candidates.similarity.max()) / 0.02)
        position = int(rng.choice(len(candidates.rows), p=weights / weights.sum()))
        row = int(candidates.rows[position])
        flipped = bool(rng.random() < 0.5)
        pixels = self.images[row, :, ::-1] if flipped else self.images[row]
        detail = None
        if self.detail is not None:
            detail = np.ascontiguousarray(
                self.detail[row, :, ::-1] if flipped else self.detail[row]
            )
        return Reference(
            np.ascontiguousarray(pixels),
            self.concepts[self.concept_of[row]],
            self.keys[row],
            self.sources[self.source_of[row]],
            float(candidates.similarity[position]),
            flipped,
            detail,
            self.colours[row],
        )

    def nearest_distance(self, pixels: np.ndarray) -> tuple[float, str]:
        """Mean absolute premultiplied-RGBA difference (0-1) to the closest bank icon, and its key.

        How far a result is from a copy: 0 is a pixel-exact copy of a bank icon.
        """
        bank = straight_to_premultiplied(self.images)
        own = straight_to_premultiplied(pixels[None])
        distances = np.abs(bank - own).mean(axis=(1, 2, 3))
        row = int(np.argmin(distances))
        return float(distances[row]), self.keys[row]

    def _prefer_style(self, rows: np.ndarray, style: str | None) -> np.ndarray:
        wanted = SOURCES_FOR_STYLE.get(style or "", COLOUR_SOURCES)
        indices = [self.sources.index(name) for name in wanted if name in self.sources]
        preferred = rows[np.isin(self.source_of[rows], indices)]
        return preferred if len(preferred) else rows

    def _check(self, path: Path) -> None:
        count = len(self.images)
        consistent = (
            self.images.ndim == 4
            and self.images.shape[-1] == 4
            and self.images.dtype == np.uint8
            and len(self.concept_of) == len(self.source_of) == len(self.keys) == count
            and len(self._vectors) == len(self.concepts)
            and len(self.colours) == count
            and (count == 0 or int(self.concept_of.max()) < len(self.concepts))
            and (count == 0 or int(self.source_of.max()) < len(self.sources))
        )
        if not consistent or count == 0:
            raise DamagedModelError(f"{path} is incomplete: reinstall the model.")
        side = 2 * self.images.shape[1]
        if self.detail is not None and (
            self.detail.shape != (count, side, side, 4) or self.detail.dtype != np.uint8
        ):
            raise DamagedModelError(f"{path} has damaged detail images: reinstall the model.")
