"""``studio data build`` through its argparse registration."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest
from PIL import Image

from studio.cli import data as data_cli
from studio.domain.errors import InvalidRequestError
from studio.train.data import load_dataset


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="studio")
    data_cli.COMMAND.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["data", *argv])


def test_build_from_packages_prints_counts_per_source(data_fake_package_cache, tmp_path, capsys):
    args = _parse(
        "build", "--out", str(tmp_path / "ds"), "--cache", str(data_fake_package_cache),
        "--sources", "gameicons,pixelarticons", "--size", "32", "--workers", "1",
    )  # fmt: skip
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "gameicons" in out and "pixelarticons" in out and "heldout" in out
    dataset = load_dataset(tmp_path / "ds", 32)
    assert dataset.manifest["sizes"] == [32]
    assert {item["source"] for item in dataset.items} == {"gameicons", "pixelarticons"}
    listed = {source["name"] for source in dataset.manifest["sources"]}
    assert listed == {"gameicons", "pixelarticons"}, "no emoji label source without emoji"


def test_build_from_folder_with_json_output(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    for name, colour in (("slime-green.png", "green"), ("slime-red.png", "red")):
        Image.new("RGBA", (16, 16), colour).save(folder / name)
    args = _parse("build", "--out", str(tmp_path / "ds"), "--from-folder", str(folder), "--json")
    assert args.handler(args) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["count"] == 2 and manifest["sources"][0]["license"] == "user-provided"


def test_from_folder_reports_skipped_files(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    Image.new("RGBA", (16, 16), "blue").save(folder / "gem.png")
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    args = _parse("build", "--out", str(tmp_path / "ds"), "--from-folder", str(folder))
    assert args.handler(args) == 0
    captured = capsys.readouterr()
    assert "skipped 1" in captured.err and "broken.png" in captured.err


def test_limit_must_be_positive(tmp_path):
    args = _parse("build", "--out", str(tmp_path), "--limit", "0")
    with pytest.raises(InvalidRequestError, match="--limit"):
        args.handler(args)


def test_unknown_source_names_the_known_ones(data_fake_package_cache, tmp_path):
    args = _parse(
        "build",
        "--out",
        str(tmp_path),
        "--sources",
        "openmoji",
        "--cache",
        str(data_fake_package_cache),
    )
    with pytest.raises(InvalidRequestError, match="fluent3d"):
        args.handler(args)


def _build_dataset(cache, out, sources: str, size: str = "32") -> None:
    """``studio data build`` of ``sources`` from the fake package cache at 32 px (or ``size``)."""
    build = _parse(
        "build", "--out", str(out), "--cache", str(cache),
        "--sources", sources, "--size", size, "--workers", "1",
    )  # fmt: skip
    assert build.handler(build) == 0


def test_bank_writes_the_icons_of_the_bank_sources_and_reads_back(
    data_fake_package_cache, tmp_path, capsys
) -> None:
    from studio.engine.builtin.reference_bank import ReferenceBank

    _build_dataset(data_fake_package_cache, tmp_path / "ds", "gameicons,pixelarticons")
    bank = _parse("bank", "--data", str(tmp_path / "ds"), "--out", str(tmp_path / "model"))
    assert bank.handler(bank) == 0
    assert "icons of" in capsys.readouterr().out
    loaded = ReferenceBank.load(tmp_path / "model")
    originals = [item for item in load_dataset(tmp_path / "ds", 32).items if "#" not in item["key"]]
    assert len(loaded) == sum(item["source"] == "gameicons" for item in originals)  # no outlines
    assert set(loaded.sources[i] for i in loaded.source_of) == {"gameicons"}
    assert loaded.detail is None  # a 32 px bank of a dataset without 64 px images
    assert set(loaded.colours) == {""}  # a silhouette's black is its set's, not its object's


def test_a_colour_icon_keeps_the_colours_its_caption_opens_with() -> None:
    from studio.train.data.bank_export import _icon_colours

    frog = {"source": "fluentflat", "caption": "green and yellow frog, face, animal, flat"}
    assert _icon_colours(frog) == "green and yellow"
    apple = {"source": "noto", "caption": "red apple, fruit, noto"}
    assert _icon_colours(apple) == "red"  # the name's own colour word counts once
    assert _icon_colours({"source": "gameicons", "caption": "black frog, silhouette"}) == ""


def test_bank_keeps_the_icons_at_twice_the_size_where_the_dataset_has_them(
    data_fake_package_cache, tmp_path, capsys
) -> None:
    from studio.engine.builtin.reference_bank import ReferenceBank

    _build_dataset(data_fake_package_cache, tmp_path / "ds", "gameicons", size="64")
    bank = _parse("bank", "--data", str(tmp_path / "ds"), "--out", str(tmp_path / "model"))
    assert bank.handler(bank) == 0
    assert "also at 64 px" in capsys.readouterr().out
    loaded = ReferenceBank.load(tmp_path / "model")
    assert loaded is not None and loaded.detail is not None
    dataset = load_dataset(tmp_path / "ds", 64)
    row_of = {item["key"]: row for row, item in enumerate(dataset.items)}
    rows = [row_of[key] for key in loaded.keys]
    expected = np.array(dataset.images[rows])
    expected[expected[..., 3] == 0] = 0
    assert np.array_equal(loaded.detail, expected)  # the same icons, row for row


def test_a_bank_needs_icons_of_a_bank_source(data_fake_package_cache, tmp_path) -> None:
    from studio.train.data.dataset_reading import DatasetError

    _build_dataset(data_fake_package_cache, tmp_path / "ds", "pixelarticons")
    bank = _parse("bank", "--data", str(tmp_path / "ds"), "--out", str(tmp_path / "model"))
    with pytest.raises(DatasetError, match="no icons of"):
        bank.handler(bank)
    assert not (tmp_path / "model" / "reference_bank.npz").exists()
