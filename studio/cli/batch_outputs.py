"""Where a batch's images land, one commit per image, and what a resumed batch finds done.

Two kinds of output, chosen by the path:

- ``PROJECT.studio``: each image is one history entry, committed in its own SQLite transaction
  (image, thumbnail and recipe together), so an entry is either fully there or absent.
- a folder: ``<n>-<prompt>-<item id>.png`` carrying its recipe, written atomically (temporary
  file, fsync, rename), then one line appended to ``manifest.jsonl``. The PNG is the truth: a
  kill between the two leaves a PNG whose line the next run appends.

Either way the item id and batch seed go into the recipe's ``extra``, which is how a resumed
run knows, from the output alone, which items are done.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Protocol

from studio.domain.batch_items import BatchItem
from studio.domain.errors import InvalidRequestError
from studio.domain.results import GeneratedImage

PROJECT_SUFFIX = ".studio"
STATE_KEY = "batch"
MANIFEST = "manifest.jsonl"
BATCH_FILE = "batch.json"
_ITEM_FILE = re.compile(r"-([0-9a-f]{16})\.png$")


class BatchOutput(Protocol):
    """A place that keeps each finished image the moment it is committed."""

    def stored_seed(self) -> int | None: ...
    def done_ids(self, batch_seed: int) -> set[str]: ...
    def begin(self, batch_seed: int, spec: str, total: int) -> None: ...
    def commit(self, number: int, item: BatchItem, image: GeneratedImage) -> str: ...
    def close(self) -> None: ...


def open_output(path: Path) -> BatchOutput:
    """The output ``path`` names: a ``.studio`` project (created if new) or a folder."""
    if path.suffix.lower() == PROJECT_SUFFIX:
        return ProjectOutput(path)
    if path.exists() and not path.is_dir():
        raise InvalidRequestError(f"Output {path} is a file: give a folder or a .studio project.")
    return FolderOutput(path)


def tag_image(image: GeneratedImage, item: BatchItem, batch_seed: int) -> GeneratedImage:
    """The image with its batch item id and batch seed recorded in the recipe."""
    from dataclasses import replace

    extra = {**image.extra, "batch_item": item.id, "batch_seed": batch_seed}
    return replace(image, extra=extra)


class ProjectOutput:
    """Images committed into a ``.studio`` project as history entries."""

    def __init__(self, path: Path) -> None:
        from studio.cli.generate import _open_project

        if not path.parent.exists():
            raise InvalidRequestError(f"Output folder {path.parent} does not exist.")
        self._store = _open_project(path)
        if self._store.read_only:
            reason = self._store.read_only_reason
            self._store.close()
            raise InvalidRequestError(f"Project {path} cannot take new images: {reason}")

    def stored_seed(self) -> int | None:
        state = self._store.get_state(STATE_KEY) or {}
        seed = state.get("seed")
        return seed if isinstance(seed, int) else None

    def done_ids(self, batch_seed: int) -> set[str]:
        done = set()
        for entry in self._store.entries():
            extra = entry.recipe.get("extra") if isinstance(entry.recipe, dict) else None
            if isinstance(extra, dict) and extra.get("batch_seed") == batch_seed:
                done.add(str(extra.get("batch_item")))
        return done

    def begin(self, batch_seed: int, spec: str, total: int) -> None:
        self._store.set_state(STATE_KEY, {"seed": batch_seed, "spec": spec, "total": total})

    def commit(self, number: int, item: BatchItem, image: GeneratedImage) -> str:
        from studio.imaging.result import encode_result
        from studio.project.results import commit_result

        commit_result(self._store, encode_result(image))
        return f"{self._store.path.name} #{number}"

    def close(self) -> None:
        self._store.close()


class FolderOutput:
    """PNG files with their recipes, a ``batch.json`` and a ``manifest.jsonl`` in a folder."""

    def __init__(self, folder: Path) -> None:
        if not folder.parent.exists():
            raise InvalidRequestError(f"Output folder {folder.parent} does not exist.")
        folder.mkdir(exist_ok=True)
        self._folder = folder

    def stored_seed(self) -> int | None:
        try:
            data = json.loads((self._folder / BATCH_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        seed = data.get("seed") if isinstance(data, dict) else None
        return seed if isinstance(seed, int) else None

    def done_ids(self, batch_seed: int) -> set[str]:
        if self.stored_seed() != batch_seed:
            return set()
        listed = self._manifest_ids()
        done = set()
        for path in sorted(self._folder.glob("*.png")):
            match = _ITEM_FILE.search(path.name)
            if match is None:
                continue
            done.add(match.group(1))
            if match.group(1) not in listed:
                self._append_manifest(match.group(1), path, _recipe_seed(path))
        return done

    def begin(self, batch_seed: int, spec: str, total: int) -> None:
        from studio.imaging.atomic import atomic_write_bytes

        document = {"seed": batch_seed, "spec": spec, "total": total}
        atomic_write_bytes(self._folder / BATCH_FILE, json.dumps(document, indent=1).encode())

    def commit(self, number: int, item: BatchItem, image: GeneratedImage) -> str:
        from studio.imaging.atomic import atomic_write_bytes
        from studio.imaging.filenames import sanitize_filename_part
        from studio.imaging.recipe import encode_result_png

        stem = sanitize_filename_part(item.request.prompt, max_length=60)
        path = self._folder / f"{number:04d}-{stem}-{item.id}.png"
        atomic_write_bytes(path, encode_result_png(image))
        self._append_manifest(item.id, path, item.request.seed)
        return str(path)

    def close(self) -> None:
        pass

    def _manifest_ids(self) -> set[str]:
        try:
            lines = (self._folder / MANIFEST).read_text(encoding="utf-8").splitlines()
        except OSError:
            return set()
        ids = set()
        for line in lines:
            try:
                ids.add(json.loads(line)["id"])
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a kill; the PNG it described is re-listed
        return ids

    def _append_manifest(self, item_id: str, path: Path, seed: int | None) -> None:
        line = json.dumps({"id": item_id, "file": path.name, "seed": seed}) + "\n"
        with open(self._folder / MANIFEST, "ab") as handle:
            if handle.tell() and not _ends_with_newline(self._folder / MANIFEST):
                line = "\n" + line  # close a line a kill cut short, so this one stays whole
            handle.write(line.encode())
            handle.flush()
            os.fsync(handle.fileno())


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def _recipe_seed(path: Path) -> int | None:
    from studio.imaging.recipe import read_recipe

    try:
        request = read_recipe(path).request
    except Exception:  # an unreadable PNG still counts as written; its seed is unknown
        return None
    return getattr(request, "seed", None)
