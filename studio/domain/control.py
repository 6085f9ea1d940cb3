"""A ControlNet on a generation request: which control, from which image, how strongly, when.

A :class:`ControlSpec` is one of A1111's "ControlNet units": a kind (the preprocessor that made
the control image, A1111's ``Module``), the control image itself (PNG bytes, made before the job
so the request is all the engine reads), the ControlNet model (a name among the user's models
or a path; empty picks the one of that kind), its weight, and the fraction of the steps it acts
in (``start`` to ``end``). Its stored form references the image by SHA-256, as the request's
other images are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.domain.errors import InvalidRequestError
from studio.domain.image_unit import ImageUnit

CONTROL_KINDS = ("canny", "softedge", "scribble", "blockout", "openpose", "none")
"""Control images Studio makes without extra weights (``none``: the image is used as it is)."""
MAX_CONTROLS = 4
MAX_CONTROL_WEIGHT = 2.0
# The words a user may give for a kind, as the ControlNet files and A1111's modules name them.
_KIND_ALIASES = {
    "soft_edge": "softedge",
    "soft-edge": "softedge",
    "softedge_pidinet": "softedge",
    "hed": "softedge",
    "seg": "blockout",
    "segmentation": "blockout",
    "pose": "openpose",
    "openpose_full": "openpose",
    "scribble_xdog": "scribble",
}


@dataclass(frozen=True)
class ControlSpec(ImageUnit):
    """One ControlNet unit of a generation (stored by :class:`ImageUnit`'s rules).

    Parameters
    ----------
    kind
        One of :data:`CONTROL_KINDS`.
    image
        PNG bytes of the control image as the ControlNet sees it; ``None`` for a unit read
        back from a recipe, which stores only its digest.
    model
        A ControlNet name among the user's models, or a path; empty picks the one whose name
        says ``kind``.
    weight
        How strongly it steers (A1111's ``Weight``; 0 leaves the image as without it).
    start, end
        The fraction of the steps it acts in (A1111's ``Guidance Start`` and ``Guidance End``).
    source
        Where the image came from, for the recipe and the panel ("canvas", a file name, "#12").
    """

    kind: str
    image: bytes | None = field(default=None, repr=False, compare=False)
    model: str = ""
    weight: float = 1.0
    start: float = 0.0
    end: float = 1.0
    source: str = ""

    STORED = ("kind", "model", "weight", "start", "end", "source")
    REQUIRED = ("kind",)
    WHAT = "control"

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", canonical_kind(str(self.kind)))
        self._number("weight", MAX_CONTROL_WEIGHT)
        self._number("start")  # their range is the order check below
        self._number("end")
        if not 0.0 <= self.start < self.end <= 1.0:
            raise InvalidRequestError(
                f"Control start {self.start:g} and end {self.end:g} must satisfy "
                "0 <= start < end <= 1 (fractions of the steps)."
            )
        if not isinstance(self.model, str) or not isinstance(self.source, str):
            raise InvalidRequestError("Control model and source must be text.")


def canonical_kind(text: str) -> str:
    """The kind ``text`` names (case and A1111's module aliases forgiven).

    Raises
    ------
    InvalidRequestError
        One line naming the kinds there are.
    """
    word = text.strip().lower()
    kind = _KIND_ALIASES.get(word, word)
    if kind not in CONTROL_KINDS:
        raise InvalidRequestError(
            f"Control kind {text!r:.40} is unknown: use one of {', '.join(CONTROL_KINDS)}."
        )
    return kind
