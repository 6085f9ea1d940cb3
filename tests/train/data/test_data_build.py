"""``build_dataset`` on fake packages that mimic each real source's layout (no npm, no network)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from studio.train.data import load_dataset
from studio.train.data.build import BuildOptions, build_dataset
from studio.train.data.fetch import DataSourceError
from studio.train.data.sources import IMAGE_SOURCES

STYLE_WORDS = {"3d", "flat", "noto", "game icon", "pixel art"}


@pytest.fixture(scope="module")
def built(data_fake_package_cache, data_token_counter, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built") / "dataset"
    options = BuildOptions(out, size=64, cache_dir=data_fake_package_cache)
    build_dataset(options, count_tokens=data_token_counter, log=lambda message: None)
    return out


def test_same_packages_give_the_same_dataset(built, data_fake_package_cache, tmp_path):
    again = BuildOptions(tmp_path / "again", size=64, cache_dir=data_fake_package_cache)
    manifest = build_dataset(again, log=lambda message: None)
    first = json.loads((built / "manifest.json").read_text())
    assert manifest["content_sha256"] == first["content_sha256"]
    assert (tmp_path / "again" / "items.jsonl").read_bytes() == (built / "items.jsonl").read_bytes()


def test_every_style_is_present_and_named_in_its_captions(built):
    items = load_dataset(built).items
    assert {item["style"] for item in items} == STYLE_WORDS
    for item in items:
        assert item["caption"].endswith(", " + item["style"]), item


def test_emoji_are_joined_by_codepoint_across_packages(built):
    by_key = {item["key"]: item for item in load_dataset(built).items}
    toned = by_key["fluent3d:1f44b-1f3fb"]
    assert toned["caption"].startswith("waving hand, light skin tone")
    assert toned["concept"] == "waving hand"
    # The Noto name comes from CLDR, not from emoji-datasource's upper-case "RED HEART".
    assert by_key["noto:2764"]["caption"].startswith("red heart")
    # A flipped Iconify alias is a picture of its own; a plain renaming alias is not.
    assert by_key["fluentflat:name-waving-hand-mirrored"]["caption"].startswith("waving hand")
    # Iconify's tone names ("waving-hand-light") map back to the toned codepoint.
    assert by_key["fluentflat:1f44b-1f3fb"]["concept"] == "waving hand"
    assert "gameicons:old-potion" not in by_key
    assert by_key["pixelarticons:square-sharp"]["concept"] == "square"


def test_item_keys_are_unique_even_when_a_package_holds_twins(built):
    keys = [item["key"] for item in load_dataset(built).items]
    assert len(keys) == len(set(keys))
    assert "fluent3d:2764" in keys


def test_held_out_split_is_by_concept(built):
    dataset = load_dataset(built)
    train = {dataset.items[i]["concept"] for i in dataset.split_indices("train")}
    held = {dataset.items[i]["concept"] for i in dataset.split_indices("heldout")}
    assert held, "a held-out split must exist"
    assert train and not train & held


def test_images_have_real_alpha_and_clean_transparent_rgb(built):
    for size in (64, 32):
        dataset = load_dataset(built, size)
        images = np.asarray(dataset.images)
        assert images.shape[1:] == (size, size, 4)
        for source in {item["source"] for item in dataset.items}:
            rows = [i for i, item in enumerate(dataset.items) if item["source"] == source]
            alpha = images[rows, ..., 3]
            assert (alpha == 0).any() and (alpha == 255).any(), source
        assert not images[..., :3][images[..., 3] == 0].any()


def test_icons_are_centred_with_a_margin(built):
    images = np.asarray(load_dataset(built).images)
    alpha = images[..., 3] > 0
    assert not alpha[:, :2, :].any() and not alpha[:, -2:, :].any()
    assert not alpha[:, :, :2].any() and not alpha[:, :, -2:].any()


def test_captions_fit_the_text_encoder_window(built, data_token_counter):
    from studio.engine.builtin.text_encoder import MAX_TOKENS

    for item in load_dataset(built).items:
        assert data_token_counter(item["caption"]) <= MAX_TOKENS


def test_manifest_lists_sources_with_licenses_and_counts(built):
    manifest = json.loads((built / "manifest.json").read_text())
    by_name = {source["name"]: source for source in manifest["sources"]}
    assert set(by_name) >= {spec.name for spec in IMAGE_SOURCES} | {"emojibase", "cldr"}
    assert by_name["gameicons"]["license"] == "CC-BY-3.0"
    assert by_name["noto"]["license"] == "Apache-2.0"
    image_counts = sum(by_name[spec.name]["count"] for spec in IMAGE_SOURCES)
    assert image_counts == manifest["count"] == sum(manifest["splits"].values())
    for source in manifest["sources"]:
        assert set(source) == {
            "name",
            "package",
            "version",
            "license",
            "url",
            "attribution",
            "count",
        }


def test_attribution_credits_every_source(built):
    text = (built / "ATTRIBUTION.md").read_text()
    assert "CC-BY-3.0" in text and "game-icons.net" in text and "GameIcons" in text
    assert "Apache-2.0" in text and "Copyright (c) Test Authors" in text
    for spec in IMAGE_SOURCES:
        assert f"{spec.package} {spec.version}" in text


def test_limit_and_source_choice(data_fake_package_cache, tmp_path):
    options = BuildOptions(
        tmp_path / "small",
        sources=("gameicons", "noto"),
        limit=2,
        cache_dir=data_fake_package_cache,
    )
    manifest = build_dataset(options, log=lambda message: None)
    items = load_dataset(tmp_path / "small").items
    assert {item["source"] for item in items} == {"gameicons", "noto"}
    assert manifest["count"] == 4


def test_package_with_a_share_alike_license_is_refused(tmp_path, data_write_fake_packages):
    cache = data_write_fake_packages(
        tmp_path / "cache",
        {
            "pixelarticons": {
                "package.json": b'{"name": "pixelarticons", "license": "CC-BY-SA-4.0"}'
            }
        },
    )
    options = BuildOptions(tmp_path / "out", sources=("pixelarticons",), cache_dir=cache)
    with pytest.raises(DataSourceError, match=r"CC-BY-SA-4\.0"):
        build_dataset(options, log=lambda message: None)
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_missing_package_without_npm_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr("studio.train.data.fetch.shutil.which", lambda name: None)
    options = BuildOptions(tmp_path / "out", sources=("noto",), cache_dir=tmp_path / "empty")
    with pytest.raises(DataSourceError, match="npm is not installed"):
        build_dataset(options, log=lambda message: None)


def test_two_worker_processes_give_the_same_bytes(built, data_fake_package_cache, tmp_path):
    options = BuildOptions(tmp_path / "pool", cache_dir=data_fake_package_cache, workers=2)
    manifest = build_dataset(options, log=lambda message: None)
    assert (
        manifest["content_sha256"]
        == json.loads((built / "manifest.json").read_text())["content_sha256"]
    )


def test_augmented_build_names_colours_adds_copies_and_records_the_recipe(
    data_fake_package_cache, data_token_counter, tmp_path
):
    from studio.engine.builtin.text_encoder import MAX_TOKENS
    from studio.train.data.recolour import AugmentRecipe

    recipe = AugmentRecipe(recolour_share=2.0, hue_share=1.0, pixel_share=1.0)
    options = BuildOptions(tmp_path / "aug", cache_dir=data_fake_package_cache, augment=recipe)
    manifest = build_dataset(options, count_tokens=data_token_counter, log=lambda message: None)
    items = load_dataset(tmp_path / "aug").items
    copies = [item for item in items if "#" in item["key"]]
    assert copies and manifest["augment"] == recipe.to_dict()
    assert manifest["count"] == len(items) == sum(s["count"] for s in manifest["sources"][:5])
    assert all(data_token_counter(item["caption"]) <= MAX_TOKENS for item in items)
    assert not any(item["style"] == "pixel art" and "#pixel" not in item["key"] for item in items)


def test_augment_shares_are_checked():
    from studio.domain.errors import InvalidRequestError
    from studio.train.data.recolour import AugmentRecipe

    with pytest.raises(InvalidRequestError, match="--hue-share must be between 0 and 8"):
        AugmentRecipe(hue_share=-1)
