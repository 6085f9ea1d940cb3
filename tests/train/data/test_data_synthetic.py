"""The synthetic dataset writer and the dataset reader agree on the format."""

from __future__ import annotations

import json

import numpy as np
import pytest

from studio.train.data import DatasetError, load_dataset
from studio.train.data.synthetic import COLOURS, SHAPES, write_synthetic_dataset


@pytest.mark.parametrize("size", [16, 32, 64])
def test_synthetic_dataset_has_the_contract_layout(tmp_path, size):
    folder = write_synthetic_dataset(tmp_path / "ds", n=20, size=size, seed=3)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format"] == "studio-dataset"
    assert manifest["count"] == 20
    assert manifest["size"] == size
    assert manifest["sizes"][0] == size and 32 in manifest["sizes"]
    assert sum(manifest["splits"].values()) == 20
    for side in manifest["sizes"]:
        dataset = load_dataset(folder, side)
        assert dataset.images.shape == (20, side, side, 4)
        assert dataset.images.dtype == np.uint8
    assert (folder / "ATTRIBUTION.md").is_file()


def test_synthetic_images_have_real_transparency_and_clean_rgb(data_synthetic_dir):
    images = np.asarray(load_dataset(data_synthetic_dir, 64).images)
    alpha = images[..., 3]
    assert (alpha == 0).any() and (alpha == 255).any()
    assert not images[..., :3][alpha == 0].any(), "RGB must be zero where alpha is zero"


def test_synthetic_captions_name_colour_and_shape(data_synthetic_dir):
    dataset = load_dataset(data_synthetic_dir)
    for caption in dataset.captions:
        colour, shape = caption.split()
        assert colour in COLOURS and shape in SHAPES


def test_synthetic_split_is_by_concept(data_synthetic_dir):
    dataset = load_dataset(data_synthetic_dir)
    train = {dataset.items[i]["concept"] for i in dataset.split_indices("train")}
    held = {dataset.items[i]["concept"] for i in dataset.split_indices("heldout")}
    assert train and held and not train & held


def test_same_seed_gives_same_bytes_and_other_seed_differs(tmp_path):
    first = write_synthetic_dataset(tmp_path / "a", n=12, size=32, seed=1)
    second = write_synthetic_dataset(tmp_path / "b", n=12, size=32, seed=1)
    third = write_synthetic_dataset(tmp_path / "c", n=12, size=32, seed=2)
    sha = [
        json.loads((p / "manifest.json").read_text())["content_sha256"]
        for p in (first, second, third)
    ]
    assert sha[0] == sha[1] != sha[2]


def test_loading_a_folder_that_is_not_a_dataset_says_how_to_make_one(tmp_path):
    with pytest.raises(DatasetError, match="studio data build"):
        load_dataset(tmp_path)


def test_loading_a_size_the_dataset_lacks_is_a_clear_error(data_synthetic_dir):
    with pytest.raises(DatasetError, match="--size 128"):
        load_dataset(data_synthetic_dir, 128)
