"""Finding a palette by what the user typed: a built-in name or a palette file.

It lives apart from ``model`` because it needs both ``builtin`` and ``files``, which
themselves build on ``model``; kept there it made an import circle.
"""

from pathlib import Path

from studio.domain.errors import InvalidRequestError
from studio.imaging.palettes.builtin import BUILTIN_PALETTES, builtin_palette
from studio.imaging.palettes.files import read_palette
from studio.imaging.palettes.model import Palette


def resolve_palette(name_or_file: str) -> Palette:
    """A built-in palette by name (any case, ``-`` or ``_`` or space) or a palette file.

    Raises
    ------
    InvalidRequestError
        If it is neither, with the list of built-in names.
    """
    palette = builtin_palette(name_or_file)
    if palette is not None:
        return palette
    path = Path(name_or_file)
    if path.suffix:
        return read_palette(path)
    names = ", ".join(BUILTIN_PALETTES)
    raise InvalidRequestError(
        f"Unknown palette {name_or_file!r}: use one of {names} or a .gpl/.pal/.hex/.txt file."
    )
