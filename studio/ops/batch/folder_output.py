"""A batch into a folder: ``<n>-<prompt slug>-<item id>.png`` carrying its recipe, written
atomically (temporary file, fsync, rename), then one line appended to ``manifest.jsonl``.

The PNGs are the truth: only a PNG that decodes and carries its item's id and batch seed
counts as done; a truncated or swapped file is set aside and its item made again, and the
manifest is rebuilt from the PNGs it trusts.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Sequence
from pathlib import Path

from studio.domain.batch_items import BatchItem
from studio.domain.errors import OutputError, StudioError
from studio.domain.results import GeneratedImage
from studio.ops.batch.events import SetAside
from studio.ops.batch.item_naming import image_name
from studio.ops.batch.records import (
    BATCH_FILE,
    MANIFEST,
    ManifestLine,
    StoredBatch,
    image_kind,
    read_batch_file,
    read_manifest,
    read_owned,
)

MAX_IMAGE_BYTES = 256 << 20  # a 4096x4096 RGBA PNG stored raw is 64 MB
_ITEM_FILE = re.compile(r"-([0-9a-f]{16})\.png$")


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
    ) -> list[SetAside]:
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
        set_aside = self._set_aside_distrusted()
        write_output(self._folder / BATCH_FILE, _json_bytes(record.to_document(spec)))
        listed = b"".join(
            ManifestLine(item.id, self._done[item.id].name, item.request.seed).encode()
            for item in items
            if item.id in done and item.id in self._done
        )
        write_output(self._folder / MANIFEST, listed)  # rebuilt from the PNGs it trusts
        return set_aside

    def commit(self, number: int, item: BatchItem, image: GeneratedImage) -> str:
        from studio.imaging.recipe_chunks import encode_result_png
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

    def _set_aside_distrusted(self) -> list[SetAside]:
        """Rename damaged or foreign item files out of the way: redone, but never deleted."""
        from studio.imaging.atomic import set_aside

        moved_files = []
        for path in self._distrusted:
            if image_kind(path) is not None:
                continue  # a folder or special file under an item's name is not ours to move
            try:
                moved = set_aside(path)
            except OSError as exc:
                raise OutputError(f"Cannot set aside damaged {path}: {exc.strerror}.") from None
            moved_files.append(SetAside(path, moved))
        self._distrusted = []
        return moved_files


def _json_bytes(document: dict[str, object]) -> bytes:
    import json

    return json.dumps(document, indent=1).encode()
