"""The one wording of "this file did not load as X": a library's exception made one line.

diffusers, transformers and torch raise ``OSError``, ``ValueError``, ``RuntimeError`` or
``KeyError`` for a file of the wrong kind or shape, often with a many-line message (a shape
table, a list of missing keys). The user gets one line naming the file, the library's first
line as the reason, and what to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from studio.domain.errors import ModelLoadError, StudioError

LOAD_FAILURES = (OSError, ValueError, RuntimeError, KeyError)
"""What the model libraries raise for a file that is not what they were asked to load."""
_REASON_CHARS = 160


def first_line(exc: BaseException) -> str:
    """The first line of ``exc``'s message, shortened (its type's name when it has none)."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 3] + "..."


@contextmanager
def loading_as(name: str, what: str, advice: str) -> Iterator[None]:
    """Turn a library's failure to load file ``name`` as ``what`` into one line.

    ``"NAME could not be loaded as WHAT (REASON): ADVICE"``; a :class:`StudioError` raised
    inside (a damaged or unsafe file) passes through as it is.

    Raises
    ------
    ModelLoadError
        For any of :data:`LOAD_FAILURES` raised inside.
    """
    try:
        yield
    except StudioError:
        raise  # already one line (InvalidRequestError is a ValueError too)
    except LOAD_FAILURES as exc:
        raise ModelLoadError(
            f"{name} could not be loaded as {what} ({first_line(exc)}): {advice}"
        ) from None
