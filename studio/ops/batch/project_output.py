"""A batch into a ``.studio`` project: each image is one history entry, committed in its own
SQLite transaction (image, thumbnail and recipe together), so an entry is either fully there or
absent; the batch record (seed, options, item digest) is the project's ``batch`` state.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

from studio.domain.batch_items import BatchItem
from studio.domain.errors import OutputError
from studio.domain.results import GeneratedImage
from studio.ops.batch.events import SetAside
from studio.ops.batch.records import (
    StoredBatch,
    parse_stored,
)

STATE_KEY = "batch"


class ProjectOutput:
    """Images committed into a ``.studio`` project as history entries."""

    def __init__(self, path: Path) -> None:
        if path.is_dir():
            raise OutputError(
                f"Output {path} is a folder: a project is a file, so give another name "
                "(or a folder name without .studio)."
            )
        self._path = path
        self._store = None
        self._created = False
        self._committed = 0
        if os.path.lexists(path):
            self._store = self._open_existing(path)

    @staticmethod
    def _open_existing(path: Path):
        from studio.project.store import ProjectStore

        store = ProjectStore.open(path)
        if store.read_only:
            reason = store.read_only_reason
            store.close()
            raise OutputError(f"Project {path} cannot take new images: {reason}")
        return store

    def stored(self) -> StoredBatch | None:
        if self._store is None:
            return None
        state = self._store.get_state(STATE_KEY)
        return None if state is None else parse_stored(state, f"{self._path}'s batch record")

    def holds_images(self, batch_seed: int) -> bool:
        return bool(self._batch_ids(batch_seed))

    def done_ids(self, batch_seed: int, items: Sequence[BatchItem]) -> set[str]:
        return self._batch_ids(batch_seed) & {item.id for item in items}

    def _batch_ids(self, batch_seed: int) -> set[str]:
        if self._store is None:
            return set()
        done = set()
        for entry in self._store.entries():
            extra = entry.recipe.get("extra") if isinstance(entry.recipe, dict) else None
            if isinstance(extra, dict) and extra.get("batch_seed") == batch_seed:
                done.add(str(extra.get("batch_item")))
        return done

    def begin(
        self, record: StoredBatch, spec: str, items: Sequence[BatchItem], done: set[str]
    ) -> list[SetAside]:
        if self._store is None:
            from studio.project.store import ProjectStore

            self._store = ProjectStore.create(self._path)
            self._created = True
        self._store.set_state(STATE_KEY, record.to_document(spec))
        return []  # a project keeps entries, never files to set aside

    def commit(self, number: int, item: BatchItem, image: GeneratedImage) -> str:
        from studio.imaging.result import encode_result
        from studio.ops.commit import commit_result

        if self._store is None:  # begin() opens it; a commit before it is a bug, said plainly
            raise RuntimeError("ProjectOutput.commit before begin")
        commit_result(self._store, encode_result(image))
        self._committed += 1
        return f"{self._path.name} #{number}"

    def discard_if_empty(self) -> None:
        if not self._created or self._committed:
            return
        self.close()
        for leftover in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self._path}{leftover}")
        self._created = False

    def keep(self) -> None:
        self._created = False

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
