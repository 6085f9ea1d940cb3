"""``--from-folder``: an artist's own sprites become a dataset, captions from metadata or names."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from studio.train.data import DatasetError, load_dataset
from studio.train.data.from_folder import build_from_folder, caption_from_file_name


def _sprite(path, colour, side=16, fmt=None):
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    image.paste(Image.new("RGBA", (side // 2, side // 2), colour), (side // 4, side // 4))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("RGB").save(path) if fmt == "JPEG" else image.save(path)


@pytest.fixture
def sprites(tmp_path):
    root = tmp_path / "sprites"
    _sprite(root / "red-potion_2.png", (200, 20, 20, 255))
    _sprite(root / "Blue Sword (3).webp", (20, 20, 200, 255), side=128)
    _sprite(root / "photos" / "tree.jpg", (20, 160, 20, 255), side=96, fmt="JPEG")
    _sprite(root / "csv" / "a.png", (250, 200, 0, 255))
    _sprite(root / "csv" / "b.png", (120, 0, 160, 255))
    (root / "csv" / "metadata.csv").write_text(
        "file_name,text,style\na.png,golden coin,pixel art\nb.png,purple gem pixel art,pixel art\n"
    )
    _sprite(root / "jsonl" / "c.png", (0, 200, 200, 255))
    (root / "jsonl" / "metadata.jsonl").write_text(
        json.dumps({"file_name": "c.png", "text": "ice shard"})
    )
    (root / "broken.png").write_bytes((root / "red-potion_2.png").read_bytes()[:60])
    Image.new("RGBA", (8, 8)).save(root / "empty.png")
    (root / "notes.txt").write_text("not an image")
    return root


@pytest.mark.parametrize(
    ("name", "caption"),
    [
        ("red-potion_2.png", "red potion"),
        ("Blue Sword (3).webp", "blue sword"),
        ("hero_idle.png", "hero idle"),
        ("42.png", "42"),
    ],
)
def test_caption_from_file_name(name, caption):
    assert caption_from_file_name(name) == caption


def test_folder_build_uses_metadata_then_file_names_and_skips_bad_files(sprites, tmp_path):
    result = build_from_folder(sprites, tmp_path / "out", size=64)
    captions = {item["key"]: item["caption"] for item in load_dataset(tmp_path / "out").items}
    assert captions == {
        "user:Blue Sword (3).webp": "blue sword",
        "user:csv/a.png": "golden coin, pixel art",
        "user:csv/b.png": "purple gem pixel art",
        "user:jsonl/c.png": "ice shard",
        "user:photos/tree.jpg": "tree",
        "user:red-potion_2.png": "red potion",
    }
    assert sorted(path for path, _reason in result.skipped) == ["broken.png", "empty.png"]
    assert result.manifest["count"] == 6
    assert result.manifest["sources"][0]["license"] == "user-provided"
    assert "user-provided" in (tmp_path / "out" / "ATTRIBUTION.md").read_text()


def test_small_sprites_are_scaled_by_whole_pixels(sprites, tmp_path):
    build_from_folder(sprites, tmp_path / "out", size=64)
    dataset = load_dataset(tmp_path / "out")
    index = next(
        i for i, item in enumerate(dataset.items) if item["key"] == "user:red-potion_2.png"
    )
    image = np.asarray(dataset.images[index])
    # An 8 px square scaled by a whole factor keeps hard edges: only two distinct pixels.
    assert len({tuple(p) for p in image.reshape(-1, 4)}) == 2
    assert (image[..., 3] == 0).any()


def test_folder_build_is_deterministic(sprites, tmp_path):
    first = build_from_folder(sprites, tmp_path / "a").manifest["content_sha256"]
    second = build_from_folder(sprites, tmp_path / "b").manifest["content_sha256"]
    assert first == second


def test_malformed_metadata_is_a_clear_error(tmp_path):
    _sprite(tmp_path / "in" / "a.png", (255, 0, 0, 255))
    (tmp_path / "in" / "metadata.jsonl").write_text('{"file_name": "a.png", "text": "ok"}\n{oops\n')
    with pytest.raises(DatasetError, match="line 2"):
        build_from_folder(tmp_path / "in", tmp_path / "out")


def test_folder_without_images_is_a_clear_error(tmp_path):
    (tmp_path / "in").mkdir()
    with pytest.raises(DatasetError, match="No readable"):
        build_from_folder(tmp_path / "in", tmp_path / "out")
    with pytest.raises(DatasetError, match="not a folder"):
        build_from_folder(tmp_path / "missing", tmp_path / "out")
