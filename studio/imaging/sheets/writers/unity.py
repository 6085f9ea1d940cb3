"""Unity ``.meta`` for a sprite sheet (TextureImporter, sprite mode Multiple).

Unity's rectangles start at the bottom-left corner: ``y = page_height - (y + h)``. Sprite ids
(``spriteID``, ``internalID``) and the asset ``guid`` are hashes of the sheet and frame names,
so a re-export keeps every reference in the user's scenes and animations. ``filterMode: 0``
(point) and no mip maps for pixel art. Trimmed frames keep their pivot on the untrimmed
sprite's centre, as a custom pivot (alignment 9).
"""

from __future__ import annotations

from studio.imaging.sheets.model import PackedSheet, PlacedFrame
from studio.imaging.sheets.writers.common import frames_on_page, page_image_name, stable_hex


def unity_meta_files(sheet: PackedSheet, base: str) -> dict[str, bytes]:
    """``{base.png.meta: bytes}`` (one per page image)."""
    count = len(sheet.pages)
    files = {}
    for page in range(count):
        image = page_image_name(base, page, count)
        files[image + ".meta"] = _meta(sheet, base, page, image).encode("utf-8")
    return files


def unity_rect_y(frame: PlacedFrame, page_height: int) -> int:
    """The frame's ``y`` in Unity's bottom-left origin."""
    return page_height - (frame.y + frame.h)


def internal_id(base: str, name: str) -> int:
    """A stable positive 63-bit id for a sprite (Unity stores it as a signed 64-bit number)."""
    return int(stable_hex("unity-internal", base, name, length=16), 16) >> 1


def _meta(sheet: PackedSheet, base: str, page: int, image: str) -> str:
    _width, height = sheet.page_size(page)
    filter_mode = 0 if sheet.options.pixel_art else 1
    sprites, names = [], []
    for frame in frames_on_page(sheet, page):
        pivot_x, pivot_y, alignment = _pivot(frame)
        sprites += [
            "    - serializedVersion: 2",
            f"      name: {frame.name}",
            "      rect:",
            "        serializedVersion: 2",
            f"        x: {frame.x}",
            f"        y: {unity_rect_y(frame, height)}",
            f"        width: {frame.w}",
            f"        height: {frame.h}",
            f"      alignment: {alignment}",
            f"      pivot: {{x: {pivot_x}, y: {pivot_y}}}",
            "      border: {x: 0, y: 0, z: 0, w: 0}",
            "      outline: []",
            "      physicsShape: []",
            "      tessellationDetail: 0",
            "      bones: []",
            f"      spriteID: {stable_hex('unity-sprite', base, frame.name)}",
            f"      internalID: {internal_id(base, frame.name)}",
            "      vertices: []",
            "      indices: ",
            "      edges: []",
            "      weights: []",
        ]
        names.append(f"      {frame.name}: {internal_id(base, frame.name)}")
    lines = [
        "fileFormatVersion: 2",
        f"guid: {stable_hex('unity-guid', image)}",
        "TextureImporter:",
        "  internalIDToNameTable: []",
        "  externalObjects: {}",
        "  serializedVersion: 12",
        "  mipmaps:",
        "    mipMapMode: 0",
        f"    enableMipMap: {0 if sheet.options.pixel_art else 1}",
        "    sRGBTexture: 1",
        "  isReadable: 0",
        "  streamingMipmaps: 0",
        "  textureFormat: 1",
        "  maxTextureSize: 16384",
        "  textureSettings:",
        "    serializedVersion: 2",
        f"    filterMode: {filter_mode}",
        "    aniso: 1",
        "    mipBias: 0",
        "    wrapU: 1",
        "    wrapV: 1",
        "    wrapW: 1",
        "  nPOTScale: 0",
        "  lightmap: 0",
        "  compressionQuality: 50",
        "  spriteMode: 2",
        "  spriteExtrude: 1",
        "  spriteMeshType: 0",
        "  alignment: 0",
        "  spritePivot: {x: 0.5, y: 0.5}",
        "  spritePixelsToUnits: 100",
        "  spriteBorder: {x: 0, y: 0, z: 0, w: 0}",
        "  spriteGenerateFallbackPhysicsShape: 1",
        "  alphaUsage: 1",
        "  alphaIsTransparency: 1",
        "  textureType: 8",
        "  textureShape: 1",
        "  platformSettings:",
        "  - serializedVersion: 3",
        "    buildTarget: DefaultTexturePlatform",
        "    maxTextureSize: 16384",
        "    textureCompression: 0",
        "    compressionQuality: 50",
        "    overridden: 0",
        "  spriteSheet:",
        "    serializedVersion: 2",
        "    sprites:",
        *sprites,
        "    outline: []",
        "    physicsShape: []",
        "    bones: []",
        "    spriteID: ",
        "    internalID: 0",
        "    vertices: []",
        "    indices: ",
        "    edges: []",
        "    weights: []",
        "    secondaryTextures: []",
        "    nameFileIdTable:",
        *names,
        "  spritePackingTag: ",
        "  pSDRemoveMatte: 0",
        "  userData: ",
        "  assetBundleName: ",
        "  assetBundleVariant: ",
        "",
    ]
    return "\n".join(lines)


def _pivot(frame: PlacedFrame) -> tuple[float, float, int]:
    """Pivot in 0-1 of the rect, bottom-left origin: the untrimmed sprite's centre."""
    if not frame.trimmed:
        return 0.5, 0.5, 0
    centre_x = frame.source_w / 2 - frame.offset_x
    # Distance of the centre above the rect's bottom edge.
    centre_y = (frame.offset_y + frame.h) - frame.source_h / 2
    return round(centre_x / frame.w, 6), round(centre_y / frame.h, 6), 9
