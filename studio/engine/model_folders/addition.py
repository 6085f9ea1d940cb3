"""What the registry found in an added path, as the faces' plain :class:`ModelAddition`."""

from __future__ import annotations

from studio.domain.model_addition import ModelAddition
from studio.domain.model_kind import AddonInfo
from studio.domain.models import ModelFormat, ModelInfo
from studio.engine.model_folders.scan import FolderScan


def model_addition(added: ModelInfo | AddonInfo | FolderScan, path: str) -> ModelAddition:
    """``added`` (from :meth:`ModelRegistry.inspect_addition` of ``path``) as plain data.

    A folder's scan is remembered by its root; one file or one pipeline folder by its own
    location.
    """
    if isinstance(added, FolderScan):
        return ModelAddition(
            location=str(added.root),
            tool=added.tool,
            checkpoints=tuple(added.checkpoints),
            addons=tuple(added.addons),
            problems=tuple(added.problems),
            skipped=added.skipped,
        )
    location = added.location or path
    if isinstance(added, AddonInfo):
        return ModelAddition(location, "model file", addons=(added,))
    tool = "model folder" if added.format is ModelFormat.DIFFUSERS else "model file"
    return ModelAddition(location, tool, checkpoints=(added,))
