"""Godot ``SpriteFrames`` resources: Godot 4 (``format=3``) and Godot 3 (``format=2``).

Each frame is an ``AtlasTexture`` sub-resource over its page (``region`` is the rectangle,
``margin`` restores the trimmed border); each animation lists its frames with ``speed`` in
frames per second and ``loop``. Godot 4 frames carry a relative ``duration`` (1.0 each). A sheet
without animations gets Godot's ``default`` animation with every frame. Frame names are
already limited to ``[A-Za-z0-9_.-]`` so they need no escaping in the strings.

Page paths are relative to the ``.tres`` (``sheet.png``, not ``res://sheet.png``): Godot resolves
an ``ext_resource`` path without ``res://`` against the resource's own folder, so the export
works wherever the folder sits inside the project (checked with Godot 3.2 by
``tools/engines/``). Each page gets a ``.import`` so Godot imports it without filtering or
mip maps, which would blur pixel art (Godot 3 filters by default).
"""

from __future__ import annotations

from studio.imaging.sheets.model import Animation, PackedSheet, PlacedFrame
from studio.imaging.sheets.writers.common import page_image_name

DEFAULT_ANIMATION_FPS = 5.0


def godot4_spriteframes(sheet: PackedSheet, base: str) -> bytes:
    """The text of ``base.tres`` for Godot 4."""
    count, ordered, lines = _opening(sheet, 3)
    for page in range(count):
        path = page_image_name(base, page, count)
        lines += [f'[ext_resource type="Texture2D" path="{path}" id="{page + 1}_page"]', ""]
    lines += _atlas_textures(
        ordered,
        '[sub_resource type="AtlasTexture" id="AtlasTexture_{id}"]',
        'atlas = ExtResource("{page}_page")',
        "Rect2({})",
    )
    blocks = []
    for animation in _animations(sheet):
        frames = ",\n".join(
            f'{{\n"duration": 1.0,\n"texture": SubResource("{_atlas_id(sheet, name)}")\n}}'
            for name in animation.frames
        )
        blocks.append(
            f'{{\n"frames": [{frames}],\n"loop": {_bool(animation.loop)},\n'
            f'"name": &"{animation.name}",\n"speed": {float(animation.fps)!r}\n}}'
        )
    lines += ["[resource]", f"animations = [{', '.join(blocks)}]", ""]
    return "\n".join(lines).encode("utf-8")


def godot3_spriteframes(sheet: PackedSheet, base: str) -> bytes:
    """The text of ``base.godot3.tres`` for Godot 3 (no per-frame durations in that format)."""
    count, ordered, lines = _opening(sheet, 2)
    for page in range(count):
        path = page_image_name(base, page, count)
        lines += [f'[ext_resource path="{path}" type="Texture" id={page + 1}]']
    lines.append("")
    lines += _atlas_textures(
        ordered,
        '[sub_resource type="AtlasTexture" id={id}]',
        "atlas = ExtResource( {page} )",
        "Rect2( {} )",
    )
    blocks = []
    for animation in _animations(sheet):
        frames = ", ".join(
            f"SubResource( {sheet.frame(name).index + 1} )" for name in animation.frames
        )
        blocks.append(
            f'{{\n"frames": [ {frames} ],\n"loop": {_bool(animation.loop)},\n'
            f'"name": "{animation.name}",\n"speed": {float(animation.fps)!r}\n}}'
        )
    lines += ["[resource]", f"animations = [ {', '.join(blocks)} ]", ""]
    return "\n".join(lines).encode("utf-8")


def godot_import_files(images: list[str], *, pixel_art: bool) -> dict[str, bytes]:
    """``{image.import: bytes}``: Godot's import settings for each page image.

    Only ``[remap] importer`` and ``[params]`` are given; Godot fills in the rest (its cache
    path, the source's hash) on the first import and keeps these parameters. Godot 3 reads
    ``flags/*`` and Godot 4 ``mipmaps/generate`` and ``compress/mode``; each ignores the
    other's keys. Godot 4 has no filter in the import: its canvas items choose Nearest.
    """
    flag = "false" if pixel_art else "true"
    text = (
        '[remap]\n\nimporter="texture"\n\n[params]\n\n'
        f"compress/mode=0\nflags/filter={flag}\nflags/mipmaps={flag}\n"
        f"mipmaps/generate={flag}\n"
    ).encode()
    return {f"{image}.import": text for image in images}


def _opening(sheet: PackedSheet, version: int) -> tuple[int, list[PlacedFrame], list[str]]:
    """Page count, frames in order and the header line; ``load_steps`` counts pages and frames."""
    count = len(sheet.pages)
    ordered = sorted(sheet.frames, key=lambda f: f.index)
    steps = count + len(ordered) + 1
    return (
        count,
        ordered,
        [f'[gd_resource type="SpriteFrames" load_steps={steps} format={version}]', ""],
    )


def _atlas_textures(ordered: list[PlacedFrame], header: str, atlas: str, rect: str) -> list[str]:
    """One ``AtlasTexture`` per frame, in a version's syntax (``{id}``, ``{page}``, ``{}``)."""
    lines: list[str] = []
    for frame in ordered:
        lines += [header.format(id=frame.index + 1), atlas.format(page=frame.page + 1)]
        lines += [f"region = {rect.format(_rect(frame))}", *_margin(frame, rect)]
        lines += ["filter_clip = true", ""]
    return lines


def _atlas_id(sheet: PackedSheet, name: str) -> str:
    return f"AtlasTexture_{sheet.frame(name).index + 1}"


def _animations(sheet: PackedSheet) -> list[Animation]:
    if sheet.animations:
        return list(sheet.animations)
    names = tuple(f.name for f in sorted(sheet.frames, key=lambda f: f.index))
    return [Animation("default", names, DEFAULT_ANIMATION_FPS)]


def _rect(frame: PlacedFrame) -> str:
    return f"{frame.x}, {frame.y}, {frame.w}, {frame.h}"


def _margin(frame: PlacedFrame, template: str) -> list[str]:
    """AtlasTexture ``margin``: the trimmed border's top-left and the size it adds back."""
    if not frame.trimmed:
        return []
    values = (
        f"{frame.offset_x}, {frame.offset_y}, "
        f"{frame.source_w - frame.w}, {frame.source_h - frame.h}"
    )
    return [f"margin = {template.format(values)}"]


def _bool(value: bool) -> str:
    return "true" if value else "false"
