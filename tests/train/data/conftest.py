"""Fixtures for the dataset-building tests: fake source packages and the caption tokenizer."""

from __future__ import annotations

from pathlib import Path

import pytest

# --- Fake source packages: tiny tarballs with each real package's layout (no npm, no network).

_DATA_EMOJI = {
    # codepoints: (emojibase label, tags, CLDR name, CLDR keywords, colour)
    "1f44b": ("waving hand", ["hand", "wave", "hello"], "waving hand", ["hand", "wave"], "#f5c000"),
    "2764-fe0f": ("red heart", ["heart", "love"], "red heart", ["heart"], "#e02020"),
    "1f436": ("dog face", ["dog", "pet", "face"], "dog face", ["dog", "pet"], "#a06030"),
    "1f525": ("fire", ["flame", "hot"], "fire", ["flame", "tool"], "#ff6010"),
    "1f34e": ("red apple", ["apple", "fruit"], "red apple", ["fruit", "red"], "#d01818"),
    "1f4a7": ("droplet", ["water", "drip"], "droplet", ["drip", "sweat"], "#2090f0"),
}
_DATA_TONE = ("1f3fb", "light skin tone")


def _data_tarball(path: Path, files: dict[str, bytes]) -> None:
    import io
    import tarfile

    with tarfile.open(path, "w:gz") as archive:
        for name in sorted(files):
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(files[name])
            info.mtime = 0
            archive.addfile(info, io.BytesIO(files[name]))


def _data_json(value) -> bytes:
    import json

    return json.dumps(value).encode()


def _data_package_json(name: str, version: str, license_id: str) -> bytes:
    return _data_json({"name": name, "version": version, "license": license_id})


def _data_png(colour: str, side: int, fmt: str = "PNG") -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse(
        (side // 6, side // 5, side - side // 6, side - side // 8), colour
    )
    out = io.BytesIO()
    image.save(out, fmt, lossless=True) if fmt == "WEBP" else image.save(out, fmt)
    return out.getvalue()


def _data_emoji_char(code: str) -> str:
    return "".join(chr(int(part, 16)) for part in code.split("-"))


def _data_write_fake_packages(cache: Path, overrides: dict[str, dict[str, bytes]] | None = None):
    """Write one small tarball per source package into ``cache``, as ``npm pack`` names them."""
    from studio.train.data import sources
    from studio.train.data.fetch import tarball_name

    mit = b"MIT License\n\nCopyright (c) Test Authors\n"
    emojibase = [
        {"label": label, "hexcode": code.upper(), "tags": tags}
        for code, (label, tags, *_rest) in _DATA_EMOJI.items()
    ]
    emojibase[0]["skins"] = [{"label": "waving hand: light skin tone", "hexcode": "1F44B-1F3FB"}]
    cldr = {
        _data_emoji_char(code): {"default": keywords, "tts": [name]}
        for code, (_l, _t, name, keywords, _c) in _DATA_EMOJI.items()
    }
    fluent3d = {f"assets/{c}.webp": _data_png(v[4], 128, "WEBP") for c, v in _DATA_EMOJI.items()}
    fluent3d[f"assets/1f44b-{_DATA_TONE[0]}.webp"] = _data_png("#f0d0b0", 128, "WEBP")
    fluent3d["assets/2764.webp"] = fluent3d["assets/2764-fe0f.webp"]  # the package has such twins
    flat_icons = {
        v[0].replace(" ", "-"): {"body": f'<circle cx="16" cy="16" r="11" fill="{v[4]}"/>'}
        for v in _DATA_EMOJI.values()
    }
    flat_icons["waving-hand-light"] = {"body": '<circle cx="16" cy="16" r="11" fill="#f0d0b0"/>'}
    flat = {
        "prefix": "fluent-emoji-flat",
        "icons": flat_icons,
        "aliases": {"waving-hand-mirrored": {"parent": "waving-hand", "hFlip": True}},
        "width": 32,
        "height": 32,
    }
    chars = {c.removesuffix("-fe0f"): v[0].replace(" ", "-") for c, v in _DATA_EMOJI.items()}
    noto_entries = [
        {
            "name": v[0].upper(),
            "unified": c.upper(),
            "image": f"{c}.png",
            "short_names": [v[0].replace(" ", "_")],
            "has_img_google": True,
        }
        for c, v in _DATA_EMOJI.items()
    ]
    noto_entries[0]["skin_variations"] = {
        "1F3FB": {"unified": "1F44B-1F3FB", "image": "1f44b-1f3fb.png", "has_img_google": True}
    }
    noto_files = {f"img/google/64/{c}.png": _data_png(v[4], 64) for c, v in _DATA_EMOJI.items()}
    noto_files["img/google/64/1f44b-1f3fb.png"] = _data_png("#f0d0b0", 64)
    game_body = '<path fill="currentColor" d="M96 96h320v320H96z M200 200h112v112H200z"/>'
    game = {
        "prefix": "game-icons",
        "icons": {n: {"body": game_body} for n in ("health-potion", "dragon-head", "fire")},
        "aliases": {"old-potion": {"parent": "health-potion"}},
        "width": 512,
        "height": 512,
    }
    pixel_svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" fill="currentColor" '
        b'viewBox="0 0 24 24"><path d="M4 4h16v2H4zm0 14h16v2H4zM4 6h2v12H4zm14 0h2v12h-2z"/></svg>'
    )
    packages = {
        sources.EMOJIBASE: {"en/data.json": _data_json(emojibase)},
        sources.CLDR: {
            "annotations/en/annotations.json": _data_json(
                {"annotations": {"identity": {}, "annotations": cldr}}
            )
        },
        sources.FLUENT_3D: fluent3d,
        sources.FLUENT_FLAT: {"icons.json": _data_json(flat), "chars.json": _data_json(chars)},
        sources.NOTO: {"emoji.json": _data_json(noto_entries), **noto_files},
        sources.GAME_ICONS: {"icons.json": _data_json(game)},
        sources.PIXELARTICONS: {
            "svg/square.svg": pixel_svg,
            "svg/square-sharp.svg": pixel_svg,
            "svg/fire.svg": pixel_svg,
        },
    }
    cache.mkdir(parents=True, exist_ok=True)
    for spec, files in packages.items():
        files = {
            "package.json": _data_package_json(spec.package, spec.version, spec.package_license),
            "LICENSE": mit,
            **files,
            **(overrides or {}).get(spec.name, {}),
        }
        _data_tarball(cache / tarball_name(spec), files)
    return cache


@pytest.fixture(scope="session")
def data_fake_package_cache(tmp_path_factory) -> Path:
    """A package cache holding fake tarballs of every dataset source (shared, do not modify)."""
    return _data_write_fake_packages(tmp_path_factory.mktemp("fake-npm-cache"))


@pytest.fixture(scope="session")
def data_token_counter():
    """The MiniLM tokenizer's token count, loaded once."""
    from studio.train.data.captions import minilm_token_counter

    return minilm_token_counter()


@pytest.fixture
def data_write_fake_packages():
    """``write(cache_dir, overrides=None)``: fake source tarballs, with files replaced per source.

    ``overrides`` maps a source name to ``{path inside the package: bytes}``.
    """
    return _data_write_fake_packages
