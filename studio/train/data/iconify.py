"""Turning an Iconify JSON icon set into stand-alone SVG documents.

An Iconify set stores each icon as an SVG ``body`` plus optional size and flips; aliases point
at a parent icon and may add a flip or rotation of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

_DEFAULT_SIDE = 16  # Iconify's default when neither icon nor set gives a size
_MAX_ALIAS_DEPTH = 8


@dataclass(frozen=True)
class IconifyIcon:
    """A resolved icon: its body, view box and transforms."""

    body: str
    left: float
    top: float
    width: float
    height: float
    h_flip: bool = False
    v_flip: bool = False
    rotate: int = 0  # quarter turns clockwise

    def to_svg(self, pixels: int) -> str:
        """A complete SVG document drawing the icon into a ``pixels`` square."""
        cx, cy = self.left + self.width / 2, self.top + self.height / 2
        transforms = []
        if self.rotate % 4:
            transforms.append(f"rotate({90 * (self.rotate % 4)} {cx:g} {cy:g})")
        if self.h_flip or self.v_flip:
            sx, sy = (-1 if self.h_flip else 1), (-1 if self.v_flip else 1)
            transforms.append(
                f"translate({cx:g} {cy:g}) scale({sx} {sy}) translate({-cx:g} {-cy:g})"
            )
        body = (
            f'<g transform="{escape(" ".join(transforms))}">{self.body}</g>'
            if transforms
            else self.body
        )
        box = f"{self.left:g} {self.top:g} {self.width:g} {self.height:g}"
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{pixels}" height="{pixels}" viewBox="{box}">{body}</svg>'
        )


def resolve_icon(icon_set: dict, name: str) -> IconifyIcon | None:
    """The icon ``name`` of ``icon_set`` (an icon or an alias), or ``None`` if missing."""
    icons, aliases = icon_set.get("icons", {}), icon_set.get("aliases", {})
    h_flip = v_flip = False
    rotate = 0
    for _ in range(_MAX_ALIAS_DEPTH):
        entry = icons.get(name) or aliases.get(name)
        if entry is None:
            return None
        h_flip ^= bool(entry.get("hFlip", False))
        v_flip ^= bool(entry.get("vFlip", False))
        rotate += int(entry.get("rotate", 0))
        if name in icons:
            return IconifyIcon(
                body=entry["body"],
                left=float(entry.get("left", icon_set.get("left", 0))),
                top=float(entry.get("top", icon_set.get("top", 0))),
                width=float(entry.get("width", icon_set.get("width", _DEFAULT_SIDE))),
                height=float(entry.get("height", icon_set.get("height", _DEFAULT_SIDE))),
                h_flip=h_flip,
                v_flip=v_flip,
                rotate=rotate,
            )
        name = entry.get("parent", "")
    return None


def drawable_names(icon_set: dict) -> list[str]:
    """Names worth drawing: every visible icon and every alias that changes the picture.

    Aliases that only rename an icon would duplicate it and are left out.
    """
    names = [n for n, e in icon_set.get("icons", {}).items() if not e.get("hidden", False)]
    for name, entry in icon_set.get("aliases", {}).items():
        if entry.get("hFlip") or entry.get("vFlip") or entry.get("rotate"):
            names.append(name)
    return sorted(names)
