"""Writing an export's files into its folder, and only there (RELIABILITY 16)."""

from __future__ import annotations

from pathlib import Path

from studio.domain.errors import InvalidRequestError
from studio.imaging.atomic import atomic_write_bytes


def write_export_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``{file name: bytes}`` into ``folder`` atomically, replacing same-named files.

    Re-exporting into the same folder replaces the previous export, which is what keeps
    engine references (Unity sprite ids, Godot paths) working.

    Raises
    ------
    InvalidRequestError
        If the folder cannot be made, or a name has a path separator, ``..`` or would
        resolve outside the folder (a planted symlink included). Nothing is written then.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidRequestError(
            f"Cannot create export folder {folder}: {exc.strerror}."
        ) from None
    base = folder.resolve()
    targets = []
    for name in files:
        target = base / name
        if Path(name).name != name or name in ("", ".", "..") or target.resolve().parent != base:
            raise InvalidRequestError(f"Refusing to write {name!r}: it would leave {folder}.")
        targets.append(target)
    for target, data in zip(targets, files.values(), strict=True):
        try:
            atomic_write_bytes(target, data)
        except OSError as exc:
            raise InvalidRequestError(f"Cannot write {target}: {exc.strerror}.") from None
    return targets
