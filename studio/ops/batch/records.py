"""The files a batch keeps beside its images, read and written without trusting them.

A batch folder holds ``batch.json`` (the batch seed, its options and what its items are) and
``manifest.jsonl`` (one line per committed image). Both may have been edited, replaced by a
folder, a FIFO or a symlink out of the folder, or grown huge since the batch wrote them, so:

- they are opened with ``O_NOFOLLOW`` and ``O_NONBLOCK`` and checked with ``fstat`` before a
  byte is read: a symlink, a folder or a special file is refused, never followed or waited on;
- their size is checked before reading and the read is bounded; JSON depth is checked before
  parsing; every field has its type checked;
- appends go through ``O_NOFOLLOW`` too, and whole-file writes through the atomic-write helper,
  whose rename replaces a planted symlink instead of writing through it.

Every refusal is one :class:`~studio.domain.errors.OutputError` line naming the file and what
to do. The same document check serves a project's batch record.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from studio.domain.batch_items import BatchItem
from studio.domain.errors import OutputError
from studio.domain.files import read_user_bytes
from studio.domain.json_depth import JsonRefusedError, loads_bounded

MANIFEST = "manifest.jsonl"
BATCH_FILE = "batch.json"
MAX_BATCH_FILE_BYTES = 1 << 20  # a seed, a few options and a digest: a few hundred bytes
MAX_MANIFEST_BYTES = 64 << 20  # ~150 bytes a line: far more images than any batch holds
MAX_DEPTH = 4  # batch.json nests an options object in the document; nothing goes deeper

_ITEM_ID = re.compile(r"^[0-9a-f]{16}$")
_IMAGE_NAME = re.compile(r"^[^/\\\x00]{1,240}-[0-9a-f]{16}\.png$")
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NON_BLOCK = getattr(os, "O_NONBLOCK", 0)


@dataclass(frozen=True)
class StoredBatch:
    """What an output says about the batch it holds.

    Parameters
    ----------
    seed
        The batch seed.
    total
        How many images the batch has.
    options
        The options that shape its items (the CLI reads them in
        :mod:`studio.cli.batch_options`); ``None`` when an older Studio wrote the record.
    items_digest
        A digest of the item ids and seeds, to notice a spec or wildcard file edited since;
        ``None`` from an older Studio.
    """

    seed: int
    total: int
    options: dict[str, object] | None = None
    items_digest: str | None = None

    def to_document(self, spec: str) -> dict[str, object]:
        """The JSON document stored in ``batch.json`` or a project's state."""
        return {
            "seed": self.seed,
            "spec": spec,
            "total": self.total,
            "options": self.options,
            "items": self.items_digest,
        }


@dataclass(frozen=True)
class ManifestLine:
    """One committed image as ``manifest.jsonl`` lists it."""

    id: str
    file: str
    seed: int | None

    def encode(self) -> bytes:
        return (json.dumps({"id": self.id, "file": self.file, "seed": self.seed}) + "\n").encode()


def parse_stored(document: object, shown: str) -> StoredBatch:
    """Check a batch record's fields; ``shown`` names it in the one-line error.

    Raises
    ------
    OutputError
        If a field is missing or of the wrong type.
    """

    def refuse(why: str) -> OutputError:
        return OutputError(
            f"{shown} is not a batch record Studio wrote ({why}); restore it, or start the "
            "batch again in another output."
        )

    if not isinstance(document, dict):
        raise refuse("not a JSON object")
    seed, total = document.get("seed"), document.get("total", 0)
    if not isinstance(seed, int) or not _is_int(seed) or seed < 0:
        raise refuse("its seed is not a whole number")
    if not isinstance(total, int) or not _is_int(total) or total < 0:
        raise refuse("its total is not a whole number")
    options = document.get("options")
    if options is not None and not _plain_mapping(options):
        raise refuse("its options are not names with plain values")
    digest = document.get("items")
    if digest is not None and not isinstance(digest, str):
        raise refuse("its item digest is not text")
    return StoredBatch(seed, total, options, digest)


def read_batch_file(folder: Path) -> StoredBatch | None:
    """The batch ``folder/batch.json`` records; ``None`` when there is none.

    Raises
    ------
    OutputError
        If the file is a symlink, folder or special file, too large, not UTF-8 JSON, nested
        too deeply or has fields of the wrong type.
    """
    shown = str(folder / BATCH_FILE)
    data = read_owned(folder, BATCH_FILE, MAX_BATCH_FILE_BYTES, _batch_file_advice)
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise OutputError(f"{shown} is not UTF-8 text; {_batch_file_advice()}") from None
    try:
        document = loads_bounded(text, max_depth=MAX_DEPTH)
    except JsonRefusedError as exc:
        raise OutputError(f"{shown} {exc}; {_batch_file_advice()}") from None
    return parse_stored(document, shown)


def read_manifest(folder: Path) -> list[ManifestLine]:
    """The lines of ``folder/manifest.jsonl``, each checked; a last line cut short is dropped.

    A kill can stop an append half-way, so a final line without its newline is what a kill
    leaves, not tampering; every whole line must be a record Studio writes.

    Raises
    ------
    OutputError
        Naming the file (and line) for a symlink, folder, special file, a file too large, or
        a line that is not a record.
    """
    data = read_owned(folder, MANIFEST, MAX_MANIFEST_BYTES, _manifest_advice)
    if data is None:
        return []
    shown = str(folder / MANIFEST)
    lines = data.split(b"\n")
    lines.pop()  # after the last newline: empty, or a line a kill cut short
    return [_manifest_line(line, f"{shown}, line {number}") for number, line in enumerate(lines, 1)]


def _manifest_line(raw: bytes, shown: str) -> ManifestLine:
    def refuse(why: str) -> OutputError:
        return OutputError(f"{shown}: {why}; {_manifest_advice()}")

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise refuse("not UTF-8 text") from None
    try:
        record = loads_bounded(text, max_depth=1)  # a record is one flat object
    except JsonRefusedError as exc:
        raise refuse(str(exc)) from None
    if not isinstance(record, dict):
        raise refuse("not a JSON object")
    item_id, name, seed = record.get("id"), record.get("file"), record.get("seed")
    if not isinstance(item_id, str) or not _ITEM_ID.match(item_id):
        raise refuse("its id is not a batch item id")
    if (
        not isinstance(name, str)
        or not _IMAGE_NAME.match(name)
        or not name.endswith(item_id + ".png")
    ):
        raise refuse("its file is not an image name of this folder")
    if seed is not None and not _is_int(seed):
        raise refuse("its seed is not a whole number")
    return ManifestLine(item_id, name, seed)


def read_owned(folder: Path, name: str, max_bytes: int, advice=lambda: "") -> bytes | None:
    """Read ``folder/name``, a file a batch wrote, without following it anywhere.

    Returns
    -------
    bytes or None
        The content, or ``None`` if there is no such file.

    Raises
    ------
    OutputError
        If it is a symlink, a folder or a special file, or larger than ``max_bytes``; the
        message names it and ends with ``advice()``.
    """
    path = folder / name
    if not os.path.lexists(path):
        return None
    try:
        return read_user_bytes(
            path, max_bytes=max_bytes, what="batch file", error=OutputError, follow_symlinks=False
        )
    except OutputError as exc:
        raise OutputError(f"{str(exc).rstrip('.')}; {advice()}") from None


def append_owned(folder: Path, name: str, data: bytes) -> None:
    """Append ``data`` to ``folder/name`` and flush it, never through a symlink.

    Raises
    ------
    OutputError
        If the file became a symlink or something other than a file, or the write fails.
    """
    from studio.ops.output import reason

    path = folder / name
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NO_FOLLOW | _NON_BLOCK
    try:
        descriptor = os.open(path, flags, 0o666)
    except OSError as exc:
        raise OutputError(f"{path} {_what_is_there(path, exc)}; {_manifest_advice()}") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise OutputError(f"{path} {_kind(mode)}; {_manifest_advice()}")
        os.write(descriptor, data)
        os.fsync(descriptor)
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {reason(exc)}.") from None
    finally:
        os.close(descriptor)


def image_kind(path: Path) -> str | None:
    """Why ``path`` cannot be written as an image (a folder, a special file), else ``None``.

    A symlink or a regular file is no obstacle: the atomic rename replaces the entry itself.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc.strerror or str(exc)
    if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
        return None
    return _kind(mode)


def _what_is_there(path: Path, exc: OSError) -> str:
    # O_NOFOLLOW on a symlink fails with ELOOP; say what the entry is rather than the errno.
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return f"cannot be opened ({exc.strerror or exc})"
    if stat.S_ISLNK(mode) or stat.S_ISDIR(mode):
        return _kind(mode)
    return f"cannot be opened ({exc.strerror or exc})"


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "is a symbolic link, and a batch writes only inside its own folder"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is a device, not a file"


def _manifest_advice() -> str:
    return (
        "the PNGs are the record: move manifest.jsonl away and run again with --resume "
        "to rebuild it."
    )


def _batch_file_advice() -> str:
    return "restore batch.json, or start the batch again in another folder."


def _plain_mapping(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str) and (item is None or isinstance(item, str | int | float))
        for key, item in value.items()
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def items_digest(items: Sequence[BatchItem]) -> str:
    """A digest of what the items are; it changes when an edited spec or wildcard file would
    make a different batch from the same options."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(f"{item.id}:{item.request.seed}\n".encode())
    return digest.hexdigest()[:32]
