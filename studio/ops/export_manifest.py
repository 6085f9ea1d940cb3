"""The manifest an export leaves in its folder, so the next export never mixes with it.

Every sheet or tile-set export writes ``.studio-export.json`` beside its files, listing them.
A later export into that folder is refused unless it may overwrite; then, once all its own files
are written, it removes exactly the earlier files it does not write again (a stale
``sheet.png.meta`` with four slices would cut a one-frame sheet wrongly in Unity). Files the
manifest does not list (the user's own) stay. The manifest is read as hostile input: an entry
that is not a plain file of the folder (``../x``, ``/etc/passwd``), a folder or a symlink is
never removed, and the export says so.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from studio.domain.errors import OutputError
from studio.domain.files import read_user_text
from studio.domain.json_depth import loads_bounded

MANIFEST_NAME = ".studio-export.json"
_MAX_BYTES = 1 << 20  # a 4,096-tile export lists a few hundred KB at most
_MAX_DEPTH = 4


@dataclass(frozen=True)
class Cleanup:
    """What replacing an earlier export removed, and the entries it refused to touch."""

    removed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def manifest_bytes(names: Iterable[str]) -> bytes:
    """The manifest listing ``names`` (the export's files, the manifest itself excluded)."""
    document = {"studio_export": 1, "files": sorted(set(names) - {MANIFEST_NAME})}
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")


def has_earlier_export(folder: Path) -> bool:
    """Whether ``folder`` holds an export's manifest (or anything at that name)."""
    target = folder / MANIFEST_NAME
    try:
        return target.exists() or target.is_symlink()
    except OSError:
        return False


def earlier_files(folder: Path) -> list[object]:
    """The entries the earlier export's manifest lists, as written (checked by the caller).

    Raises
    ------
    OutputError
        The manifest is not a regular file, is too large, or is not a Studio manifest.
    """
    path = folder / MANIFEST_NAME
    text = read_user_text(path, max_bytes=_MAX_BYTES, what="export manifest", error=OutputError)
    try:
        document = loads_bounded(text, max_depth=_MAX_DEPTH)
    except ValueError:
        document = None
    if not isinstance(document, dict) or not isinstance(document.get("files"), list):
        raise OutputError(
            f"{path} is not a Studio export manifest; remove it or choose another folder."
        )
    return list(document["files"])


def remove_earlier_files(folder: Path, entries: list[object], keep: set[str]) -> Cleanup:
    """Remove the earlier export's files that the new export did not write again.

    Only plain names of regular files directly in ``folder`` are removed; anything else the
    manifest lists is left where it is and named in ``notes``.
    """
    base = folder.resolve()
    removed: list[str] = []
    notes: list[str] = []
    for entry in entries:
        if not isinstance(entry, str) or entry in keep or entry == MANIFEST_NAME:
            continue
        why = _refusal(base, entry)
        if why is not None:
            notes.append(f"Left {entry!r} from the earlier export's manifest alone: {why}.")
            continue
        with contextlib.suppress(FileNotFoundError):
            try:
                (base / entry).unlink()
                removed.append(entry)
            except OSError as error:
                notes.append(f"Could not remove {base / entry}: {error.strerror}.")
    return Cleanup(tuple(removed), tuple(notes))


def _refusal(base: Path, name: str) -> str | None:
    """Why ``name`` must not be removed, or ``None`` when it is a plain file of the folder."""
    if name in ("", ".", "..") or Path(name).name != name or "\\" in name or "\0" in name:
        return "it is not a file of this folder"
    target = base / name
    if target.is_symlink():
        return "it is a symlink"
    if target.exists() and not target.is_file():
        return "it is not a regular file"
    return None


def files_replaced(folder: Path, names: Iterable[str]) -> list[str]:
    """What an export of ``names`` into ``folder`` replaces or removes, for the user to confirm:
    the names already there and, when the folder holds an earlier export, the files its
    manifest lists (the manifest itself if it cannot be read)."""
    replaced = {name for name in names if (folder / name).exists()}
    if has_earlier_export(folder):
        try:
            replaced |= {e for e in earlier_files(folder) if isinstance(e, str)}
        except OutputError:
            replaced.add(MANIFEST_NAME)
    return sorted(replaced)
