"""What ``studio batch`` reads besides its options: the spec, wildcard files and init images."""

from __future__ import annotations

from pathlib import Path

from studio.domain.batch_spec import spec_kind
from studio.domain.batch_template import WildcardLookup
from studio.domain.errors import InvalidRequestError


def read_spec(spec: str) -> tuple[str, str, Path | None]:
    """(text, name for messages and kind, folder the spec's relative paths start from)."""
    path = Path(spec)
    looks_like_file = spec_kind(spec) != "template" or spec.lower().endswith(".txt")
    if looks_like_file:
        try:
            return path.read_text(encoding="utf-8"), path.name, path.parent
        except FileNotFoundError:
            raise InvalidRequestError(f"Spec file {path} does not exist.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidRequestError(f"Spec file {path} cannot be read as text: {exc}") from None
    return spec, "template", None


def wildcard_lookup(wildcards: Path | None, spec_folder: Path | None) -> WildcardLookup:
    """The lookup of ``__name__``: ``--wildcards DIR``, the spec's folder, its ``wildcards/``."""
    folders = [wildcards] if wildcards else []
    base = spec_folder if spec_folder is not None else Path.cwd()
    folders += [base, base / "wildcards"]

    def lookup(name: str) -> list[str]:
        for folder in folders:
            candidate = folder / f"{name}.txt"
            if candidate.is_file():
                try:
                    return candidate.read_text(encoding="utf-8").splitlines()
                except (OSError, UnicodeDecodeError) as exc:
                    raise InvalidRequestError(f"Wildcard file {candidate}: {exc}") from None
        where = ", ".join(str(folder) for folder in folders)
        raise InvalidRequestError(
            f"no {name}.txt for __{name}__ in {where}; add it or --wildcards DIR"
        )

    return lookup


def init_reader(spec_folder: Path | None):
    """Reads the init image a row names, relative to the spec's folder, as PNG bytes."""

    def read(relative: str) -> bytes:
        from studio.imaging.decode import load_pixels
        from studio.imaging.png import encode_png

        path = Path(relative)
        if not path.is_absolute() and spec_folder is not None:
            path = spec_folder / path
        return encode_png(load_pixels(path, mode="RGB"))

    return read
