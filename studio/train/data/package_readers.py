"""Listing the icons inside each unpacked source package, with their names and keywords.

Readers only list; pixels are made later by :func:`studio.train.data.render.render_icon`, which
receives a small picklable :class:`RasterJob` so rendering can run in worker processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from studio.train.data.captions import name_from_slug
from studio.train.data.fetch import read_package_json, read_package_text
from studio.train.data.iconify import drawable_names, resolve_icon
from studio.train.data.labels import (
    EmojiLabels,
    normalise_codepoints,
    slugify,
    without_skin_tones,
)
from studio.train.data.sources import PackageSpec

_FLAT_TONE_SUFFIXES = {
    "medium-light": "1f3fc",
    "medium-dark": "1f3fe",
    "light": "1f3fb",
    "medium": "1f3fd",
    "dark": "1f3ff",
}


@dataclass(frozen=True)
class RasterJob:
    """How to get pixels for one icon: an image file, an SVG document or pixel-art SVG."""

    kind: str  # "file" | "svg" | "pixel-svg"
    payload: str  # a file path or SVG text


@dataclass(frozen=True)
class SourceIcon:
    """One icon listed from a package, before rendering."""

    key: str
    name: str
    concept: str
    keywords: tuple[str, ...]
    label_sources: frozenset[str]
    job: RasterJob


@dataclass
class ReadContext:
    """What readers share: emoji labels and the render resolution for vector art."""

    labels: EmojiLabels
    render_px: int
    skipped: int = 0


def emoji_icon(
    spec: PackageSpec, key: str, job: RasterJob, ctx: ReadContext, fallback_name: str = ""
) -> SourceIcon | None:
    """An emoji icon named from the joined labels; ``None`` (counted) if it has no name."""
    label = ctx.labels.label(key, fallback_name)
    if label is None:
        ctx.skipped += 1
        return None
    base = ctx.labels.label(without_skin_tones(key))
    concept = base.name if base is not None else label.name.split(",")[0]
    return SourceIcon(
        key=f"{spec.name}:{key}",
        name=label.name,
        concept=concept,
        keywords=label.keywords,
        label_sources=label.sources,
        job=job,
    )


def read_fluent3d(spec: PackageSpec, root: Path, ctx: ReadContext) -> list[SourceIcon]:
    """WebP files named by codepoint (``assets/1f44b-1f3fb.webp``)."""
    icons = []
    for path in sorted((root / "assets").glob("*.webp")):
        key = normalise_codepoints(path.stem)
        icon = emoji_icon(spec, key, RasterJob("file", str(path)), ctx)
        if icon is not None:
            icons.append(icon)
    return icons


def read_fluent_flat(spec: PackageSpec, root: Path, ctx: ReadContext) -> list[SourceIcon]:
    """Iconify SVG bodies; codepoints from ``chars.json``, else from the icon's name."""
    icon_set = read_package_json(root / "icons.json")
    chars = read_package_json(root / "chars.json")
    key_by_name = {name: normalise_codepoints(code) for code, name in sorted(chars.items())}
    icons = []
    for name, svg in _iconify_svgs(icon_set, ctx.render_px):
        key = key_by_name.get(name) or _key_from_flat_name(name, ctx.labels)
        icon = emoji_icon(spec, key, RasterJob("svg", svg), ctx, fallback_name=name_from_slug(name))
        if icon is not None:
            icons.append(icon)
    return icons


def _iconify_svgs(icon_set: dict, render_px: int) -> Iterator[tuple[str, str]]:
    """``(name, svg)`` of each drawable icon of an Iconify set.

    An alias whose parent the set lacks has nothing to draw and is left out, not a crash.
    """
    for name in drawable_names(icon_set):
        icon = resolve_icon(icon_set, name)
        if icon is not None:
            yield name, icon.to_svg(render_px)


def _key_from_flat_name(name: str, labels: EmojiLabels) -> str:
    # Names without a chars.json entry are flips or tones: "waving-hand-medium-dark".
    for suffix, tone in _FLAT_TONE_SUFFIXES.items():
        if name.endswith("-" + suffix):
            base = labels.key_for_slug(name.removesuffix("-" + suffix))
            if base is not None:
                toned = _insert_tone(base, tone)
                return toned if toned in labels.names else base
    return labels.key_for_slug(name) or f"name-{slugify(name)}"


def _insert_tone(key: str, tone: str) -> str:
    parts = key.split("-")
    return "-".join([parts[0], tone, *parts[1:]])


def read_noto(spec: PackageSpec, root: Path, ctx: ReadContext) -> list[SourceIcon]:
    """Google's Noto PNGs listed in emoji-datasource's ``emoji.json`` (skin tones included)."""
    entries = read_package_json(root / "emoji.json")
    folder = root / "img" / "google" / "64"
    icons = []
    for entry in _with_skin_variations(entries):
        path = folder / entry.get("image", "")
        if not entry.get("has_img_google") or not path.is_file():
            continue
        key = normalise_codepoints(entry["unified"])
        fallback = entry.get("name") or entry.get("short_name", "")
        icon = emoji_icon(spec, key, RasterJob("file", str(path)), ctx, fallback)
        if icon is not None:
            icons.append(icon)
    return sorted(icons, key=lambda icon: icon.key)


def _with_skin_variations(entries: list[dict]) -> list[dict]:
    flat = []
    for entry in entries:
        flat.append(entry)
        for variation in (entry.get("skin_variations") or {}).values():
            flat.append({"name": entry.get("name"), **variation})
    return flat


def read_game_icons(spec: PackageSpec, root: Path, ctx: ReadContext) -> list[SourceIcon]:
    """game-icons.net silhouettes from an Iconify set, kept black on transparency."""
    icon_set = read_package_json(root / "icons.json")
    icons = []
    for name, svg in _iconify_svgs(icon_set, ctx.render_px):
        title = name_from_slug(name)
        icons.append(
            SourceIcon(f"{spec.name}:{name}", title, title, (), frozenset(), RasterJob("svg", svg))
        )
    return icons


def read_pixelarticons(spec: PackageSpec, root: Path, ctx: ReadContext) -> list[SourceIcon]:
    """24x24 pixel-art SVGs (``svg/heart.svg``, ``svg/heart-sharp.svg``)."""
    icons = []
    for path in sorted((root / "svg").glob("*.svg")):
        stem = path.stem
        concept = name_from_slug(stem.removesuffix("-sharp"))
        name = f"{concept}, sharp corners" if stem.endswith("-sharp") else concept
        job = RasterJob("pixel-svg", read_package_text(path))
        icons.append(SourceIcon(f"{spec.name}:{stem}", name, concept, (), frozenset(), job))
    return icons


READERS: dict[str, Callable[[PackageSpec, Path, ReadContext], list[SourceIcon]]] = {
    "fluent3d": read_fluent3d,
    "fluentflat": read_fluent_flat,
    "noto": read_noto,
    "gameicons": read_game_icons,
    "pixelarticons": read_pixelarticons,
}
