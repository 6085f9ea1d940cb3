"""Where a batch's images land, one commit per image, and what a resumed batch finds done.

Two kinds of output, chosen by the path:

- ``PROJECT.studio``: each image is one history entry, committed in its own SQLite transaction
  (image, thumbnail and recipe together), so an entry is either fully there or absent.
- a folder: ``<n>-<prompt slug>-<item id>.png`` carrying its recipe, written atomically
  (temporary file, fsync, rename), then one line appended to ``manifest.jsonl``.

Either way the item id and batch seed go into the recipe's ``extra``, which is how a resumed
run knows, from the output alone, which items are done. In a folder the PNGs are the truth, and
only a PNG that decodes and carries its item's id and batch seed counts: a truncated or swapped
file is set aside and its item made again, and the manifest is rebuilt from the PNGs it trusts.

Nothing is created until :meth:`BatchOutput.begin`, after every check has passed, and a run
refused before its first image removes what it created (:meth:`BatchOutput.discard_if_empty`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from studio.domain.batch_items import BatchItem
from studio.domain.errors import OutputError
from studio.domain.results import GeneratedImage
from studio.ops.batch.events import SetAside
from studio.ops.batch.folder_output import FolderOutput
from studio.ops.batch.project_output import ProjectOutput
from studio.ops.batch.records import StoredBatch

PROJECT_SUFFIX = ".studio"


class BatchOutput(Protocol):
    """A place that keeps each finished image the moment it is committed."""

    def stored(self) -> StoredBatch | None:
        """The batch the output holds, its records checked; ``None`` if none."""
        ...

    def holds_images(self, batch_seed: int) -> bool:
        """Whether any finished image of the batch seeded ``batch_seed`` is there."""
        ...

    def done_ids(self, batch_seed: int, items: Sequence[BatchItem]) -> set[str]:
        """The ids of ``items`` whose image is there and intact."""
        ...

    def begin(
        self, record: StoredBatch, spec: str, items: Sequence[BatchItem], done: set[str]
    ) -> list[SetAside]:
        """Check every path the pending items will take, then create and record the batch.

        Returns the damaged files it renamed out of the way (their items are made again).
        """
        ...

    def commit(self, number: int, item: BatchItem, image: GeneratedImage) -> str:
        """Keep one image; returns where it went, for the log line."""
        ...

    def discard_if_empty(self) -> None:
        """Remove what this run created if it committed nothing (a refused run)."""
        ...

    def keep(self) -> None:
        """The batch is running: keep the output whatever happens, for ``--resume``."""
        ...

    def close(self) -> None: ...


def open_output(path: Path) -> BatchOutput:
    """The output ``path`` names: a ``.studio`` project or a folder; nothing is created yet.

    Raises
    ------
    OutputError
        If the folder it would go in is missing, or the path is the wrong kind of thing.
    """
    _check_parent(path)
    if path.suffix.lower() == PROJECT_SUFFIX:
        return ProjectOutput(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"Output {path} is a file: give a folder or a .studio project.")
    return FolderOutput(path)


def _check_parent(path: Path) -> None:
    parent = path.parent
    if not parent.exists():
        raise OutputError(f"Output folder {parent} does not exist: create it, or choose another.")
    if not parent.is_dir():
        raise OutputError(f"Cannot write {path}: {parent} is a file, not a folder.")
