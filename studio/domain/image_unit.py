"""What every add-on unit that carries an image shares: its digest and its stored form.

A ControlNet unit (:class:`~studio.domain.control.ControlSpec`) and a reference image
(:class:`~studio.domain.reference.ReferenceImage`) each carry PNG bytes the job reads, but a
stored request (history, a project, a PNG's ``studio`` chunk) keeps only the image's SHA-256,
as the request's other images are kept. A unit read back has its settings and no image; the
faces ask the user to add the image again.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any, ClassVar, Self

from studio.domain.errors import InvalidRequestError


class ImageUnit:
    """Mixin of a frozen dataclass with an ``image: bytes | None`` field.

    Attributes
    ----------
    STORED
        The fields the stored form keeps (every field but the image).
    REQUIRED
        The stored fields a stored unit must name.
    WHAT
        The unit's name in a refusal ("control", "reference image").
    """

    STORED: ClassVar[tuple[str, ...]] = ()
    REQUIRED: ClassVar[tuple[str, ...]] = ()
    WHAT: ClassVar[str] = "unit"
    image: bytes | None

    @property
    def image_sha256(self) -> str | None:
        """Hex digest of the image (``None`` when the unit carries none)."""
        return None if self.image is None else hashlib.sha256(self.image).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The stored form: every option and the image's digest, never its pixels."""
        stored = {name: getattr(self, name) for name in self.STORED}
        return {**stored, "image_sha256": self.image_sha256}

    @classmethod
    def check_all(cls, units: Any, most: int) -> tuple[Self, ...]:
        """A request's units as a tuple, refused in one line when too many or not units.

        Raises
        ------
        InvalidRequestError
            More than ``most`` units, or an item that is not one.
        """
        units = tuple(units)
        if len(units) > most:
            raise InvalidRequestError(f"{len(units)} {cls.WHAT}s is too many: use at most {most}.")
        if not all(isinstance(unit, cls) for unit in units):
            raise InvalidRequestError(f"Each {cls.WHAT} must be a {cls.__name__}.")
        return units

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """A unit from :meth:`to_dict` output, without its image.

        Raises
        ------
        InvalidRequestError
            If ``data`` is not an object, lacks a required field, or a value is wrong.
        """
        if not isinstance(data, dict):
            raise InvalidRequestError(f"A stored {cls.WHAT} must be a JSON object.")
        missing = [name for name in cls.REQUIRED if name not in data]
        if missing:
            raise InvalidRequestError(f"A stored {cls.WHAT} has no {missing[0]}.")
        return cls(**{key: data[key] for key in cls.STORED if key in data})

    def _number(self, name: str, high: float | None = None) -> None:
        """Make field ``name`` a float (in ``0..high`` when given), or refuse it in one line."""
        label = self.WHAT.split()[0].capitalize()
        value = getattr(self, name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidRequestError(f"{label} {name} must be a number, not {value!r:.40}.")
        value = float(value)
        if high is not None and not (math.isfinite(value) and 0.0 <= value <= high):
            raise InvalidRequestError(
                f"{label} {name} {value:g} is out of range: use 0 to {high:g}."
            )
        object.__setattr__(self, name, value)
