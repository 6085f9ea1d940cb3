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

import contextlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from studio.domain.batch_items import BatchItem
from studio.domain.errors import OutputError, StudioError
from studio.domain.results import GeneratedImage
from studio.ops.batch.records import (
    BATCH_FILE,
    MANIFEST,
    ManifestLine,
    StoredBatch,
    image_kind,
    parse_stored,
    read_batch_file,
    read_manifest,
    read_owned,
)

PROJECT_SUFFIX = ".studio"
STATE_KEY = "batch"
MAX_IMAGE_BYTES = 256 << 20  # a 4096x4096 RGBA PNG stored raw is 64 MB
SLUG_LENGTH = 60
_ITEM_FILE = re.compile(r"-([0-9a-f]{16})\.png$")


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
    ) -> None:
        """Check every path the pending items will take, then create and record the batch."""
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


def tag_image(image: GeneratedImage, item: BatchItem, batch_seed: int) -> GeneratedImage:
    """The image with its batch item id and batch seed recorded in the recipe."""
    from dataclasses import replace

    extra = {**image.extra, "batch_item": item.id, "batch_seed": batch_seed}
    return replace(image, extra=extra)


def image_name(number: int, item: BatchItem) -> str:
    """``0007-red-potion-<item id>.png``: the number, a plain slug of the prompt, the id."""
    from studio.imaging.filenames import slug_filename_part

    slug = slug_filename_part(item.request.prompt, max_length=SLUG_LENGTH)
    return f"{number:04d}-{slug}-{item.id}.png"


def _check_parent(path: Path) -> None:
    parent = path.parent
    if not parent.exists():
        raise OutputError(f"Output folder {parent} does not exist: create it, or choose another.")
    if not parent.is_dir():
        raise OutputError(f"Cannot write {path}: {parent} is a file, not a folder.")


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
    ) -> None:
        if self._store is None:
            from studio.project.store import ProjectStore

            self._store = ProjectStore.create(self._path)
            self._created = True
        self._store.set_state(STATE_KEY, record.to_document(spec))

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


class FolderOutput:
    """PNG files with their recipes, a ``batch.json`` and a ``manifest.jsonl`` in a folder."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._created = False
        self._committed = 0
        self._checked: tuple[StoredBatch | None] | None = None
        self._done: dict[str, Path] = {}
        self._distrusted: list[Path] = []

    def stored(self) -> StoredBatch | None:
        """The batch ``batch.json`` records; ``manifest.jsonl`` is checked too, before any work.

        Raises
        ------
        OutputError
            Naming either file if it is tampered with (see :mod:`studio.ops.batch.records`).
        """
        if self._checked is None:
            record = None
            if self._folder.is_dir():
                record = read_batch_file(self._folder)
                read_manifest(self._folder)
            self._checked = (record,)
        return self._checked[0]

    def holds_images(self, batch_seed: int) -> bool:
        record = self.stored()
        if record is None or record.seed != batch_seed:
            return False
        return any(
            self._trusted(path, item_id, batch_seed)
            for item_id, paths in self._item_files().items()
            for path in paths
        )

    def done_ids(self, batch_seed: int, items: Sequence[BatchItem]) -> set[str]:
        record = self.stored()
        self._done, self._distrusted = {}, []
        if record is None or record.seed != batch_seed:
            return set()
        files = self._item_files()
        for item in items:
            for path in files.get(item.id, []):
                if item.id in self._done:
                    break  # a second copy of a finished image is left as it is
                if self._trusted(path, item.id, batch_seed):
                    self._done[item.id] = path
                else:
                    self._distrusted.append(path)
        return set(self._done)

    def begin(
        self, record: StoredBatch, spec: str, items: Sequence[BatchItem], done: set[str]
    ) -> None:
        from studio.ops.output import write_output

        self.stored()  # the records are checked before anything is written
        for number, item in enumerate(items, start=1):
            if item.id in done:
                continue
            target = self._folder / image_name(number, item)
            if not os.path.lexists(target):
                continue
            kind = image_kind(target)
            if kind is not None:
                raise OutputError(f"Cannot write {target}: it {kind}; move it away and run again.")
            if target not in self._distrusted:  # a damaged image of this batch is set aside
                raise OutputError(
                    f"Cannot write {target}: a file of that name is already there, and a batch "
                    "replaces nothing it did not make; move it away or choose another folder."
                )
        if not self._folder.exists():
            self._folder.mkdir()
            self._created = True
        self._set_aside_distrusted()
        write_output(self._folder / BATCH_FILE, _json_bytes(record.to_document(spec)))
        listed = b"".join(
            ManifestLine(item.id, self._done[item.id].name, item.request.seed).encode()
            for item in items
            if item.id in done and item.id in self._done
        )
        write_output(self._folder / MANIFEST, listed)  # rebuilt from the PNGs it trusts

    def commit(self, number: int, item: BatchItem, image: GeneratedImage) -> str:
        from studio.imaging.recipe import encode_result_png
        from studio.ops.batch.records import append_owned
        from studio.ops.output import write_output

        path = self._folder / image_name(number, item)
        write_output(path, encode_result_png(image))
        append_owned(
            self._folder, MANIFEST, ManifestLine(item.id, path.name, item.request.seed).encode()
        )
        self._committed += 1
        return str(path)

    def discard_if_empty(self) -> None:
        if not self._created or self._committed:
            return
        for name in (BATCH_FILE, MANIFEST):
            with contextlib.suppress(FileNotFoundError):
                (self._folder / name).unlink()
        with contextlib.suppress(OSError):  # only if nothing else landed in it meanwhile
            self._folder.rmdir()
        self._created = False

    def keep(self) -> None:
        self._created = False

    def close(self) -> None:
        pass

    def _item_files(self) -> dict[str, list[Path]]:
        files: dict[str, list[Path]] = {}
        if not self._folder.is_dir():
            return files
        for entry in sorted(os.scandir(self._folder), key=lambda e: e.name):
            match = _ITEM_FILE.search(entry.name)
            if match is not None:
                files.setdefault(match.group(1), []).append(Path(entry.path))
        return files

    def _trusted(self, path: Path, item_id: str, batch_seed: int) -> bool:
        """Whether ``path`` is a regular file (no symlink) holding a whole PNG of this item."""
        from studio.imaging.decode import open_image
        from studio.imaging.metadata_json import load_metadata_json
        from studio.imaging.png import png_text_chunks

        try:
            data = read_owned(self._folder, path.name, MAX_IMAGE_BYTES)
            if data is None:
                return False
            open_image(data, name=path.name)  # every pixel decodes: not cut short by a kill
            recipe = load_metadata_json(png_text_chunks(data).get("studio", ""), what=path.name)
        except StudioError:
            return False
        extra = recipe.get("extra") if isinstance(recipe, dict) else None
        return (
            isinstance(extra, dict)
            and extra.get("batch_item") == item_id
            and extra.get("batch_seed") == batch_seed
        )

    def _set_aside_distrusted(self) -> None:
        """Rename damaged or foreign item files out of the way: redone, but never deleted."""
        import sys

        from studio.imaging.atomic import set_aside

        for path in self._distrusted:
            if image_kind(path) is not None:
                continue  # a folder or special file under an item's name is not ours to move
            try:
                moved = set_aside(path)
            except OSError as exc:
                raise OutputError(f"Cannot set aside damaged {path}: {exc.strerror}.") from None
            print(
                f"studio batch: {path.name} is damaged or not this batch's image; "
                f"set aside as {moved.name}, made again",
                file=sys.stderr,
            )
        self._distrusted = []


def _json_bytes(document: dict[str, object]) -> bytes:
    import json

    return json.dumps(document, indent=1).encode()
