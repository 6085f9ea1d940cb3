"""Errors that carry a message a person can act on.

Every error raised across a layer boundary derives from :class:`StudioError`; its ``str()`` is
shown to the user as is (one line, says what happened and what to do), so messages are written
for artists, not for developers.
"""

from __future__ import annotations


class StudioError(Exception):
    """Base class of every error Studio reports to a user."""


class InvalidRequestError(StudioError, ValueError):
    """A request or a command-line value is out of range or malformed."""


class ModelNotFoundError(StudioError):
    """No model matches the name or path the user gave."""


class ModelLoadError(StudioError):
    """A model file or folder could not be loaded."""


class DamagedModelError(ModelLoadError):
    """The file is truncated, corrupt or not a model at all."""


class UnsafeModelError(ModelLoadError):
    """The file would run code when loaded (a pickle with globals) and was refused."""


class ImageReadError(StudioError):
    """An image file is unreadable, truncated, too large or not an image."""


class MetadataError(StudioError):
    """Metadata embedded in an image is absent, too large or malformed."""


class ProjectError(StudioError):
    """A project file could not be opened, migrated or saved."""


class OutputError(StudioError):
    """An output file cannot be written (folder missing or read-only, disk full, name taken)."""


class OutOfMemoryError(StudioError):
    """The device ran out of memory even after the engine's fallbacks."""


class JobCancelled(Exception):  # noqa: N818  (a signal, not an error)
    """Raised inside the engine when the user cancelled the running job.

    Not a :class:`StudioError`: cancelling is not a failure and is never shown as one.
    """
