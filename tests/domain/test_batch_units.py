"""Issue 23: a batch spec's control, control_model, reference and reference_model cells.

Before, a spec refused them (``NOT_IN_SPECS``): these tests fail there at the header check.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from studio.cli.batch_inputs import init_reader
from studio.domain.batch_items import build_items
from studio.domain.batch_spec import SpecContext, parse_spec
from studio.domain.errors import InvalidRequestError
from studio.imaging.png import encode_png
from studio.imaging.unit_images import control_png, reference_png


@pytest.fixture
def art(tmp_path: Path) -> Path:
    pixels = np.zeros((32, 32, 3), dtype=np.uint8)
    pixels[8:24, 8:24] = 230
    (tmp_path / "photo.png").write_bytes(encode_png(pixels))
    (tmp_path / "hero.png").write_bytes(encode_png(255 - pixels))
    return tmp_path


def _parse(text: str, name: str, folder: Path):
    return parse_spec(text, name, SpecContext({}, 0, None, init_reader(folder), folder))


def test_csv_cells_give_the_units_with_their_images_read_from_the_spec_folder(art) -> None:
    text = (
        "prompt,control,control_model,reference,reference_model,transparent\n"
        "fox,canny:photo.png:0.5:0.1:0.9; none:hero.png,my_canny,hero.png:0.4,ipa,native\n"
        "owl,,,,,\n"
    )
    fox, owl = _parse(text, "set.csv", art)
    first, second = fox.request.controls
    assert (first.kind, first.model, first.weight, first.start, first.end, first.source) == (
        "canny", "my_canny", 0.5, 0.1, 0.9, "photo.png",
    )  # fmt: skip
    assert first.image == control_png("canny", art / "photo.png")
    assert (second.kind, second.model, second.weight) == ("none", "", 1.0)
    assert second.image == control_png("none", art / "hero.png")
    (reference,) = fox.request.references
    assert (reference.weight, reference.model, reference.source) == (0.4, "ipa", "hero.png")
    assert reference.image == reference_png(art / "hero.png")
    assert fox.request.transparent == "native"
    assert owl.request.controls == () and owl.request.references == ()


def test_jsonl_rows_take_the_same_cells(art) -> None:
    text = '{"prompt": "fox", "control": "pose:hero.png:1.5", "reference": "photo.png"}\n'
    (draft,) = _parse(text, "set.jsonl", art)
    assert [(c.kind, c.weight) for c in draft.request.controls] == [("openpose", 1.5)]
    assert draft.request.references[0].image == reference_png(art / "photo.png")


def test_a_control_image_changes_the_item_id(art) -> None:
    text = "prompt,control\nfox,canny:photo.png\nfox,canny:hero.png\nfox,\n"
    items = build_items(_parse(text, "s.csv", art), 0)
    assert len({item.id for item in items}) == 3  # the stored form keeps each image's digest


@pytest.mark.parametrize(
    ("header", "cell", "message"),
    [
        ("control", "cany:photo.png", "s.csv, line 2: Control kind 'cany' is unknown"),
        ("control", "canny", "s.csv, line 2: control 'canny' needs KIND:IMAGE"),
        ("control", "canny:photo.png:3", "s.csv, line 2: control: Control weight 3 is out"),
        ("control", "canny:photo.png:1:0.8:0.2", "s.csv, line 2: control: Control start 0.8"),
        ("reference", "hero.png:heavy", "s.csv, line 2: reference 'hero.png:heavy': the weight"),
        ("reference", "hero.png:3", "s.csv, line 2: reference: Reference weight 3 is out"),
        ("reference_model", "ipa", "s.csv, line 2: reference_model applies with a reference"),
        ("control_model", "a", "s.csv, line 2: 1 control_model for 0 control: give one per"),
        ("control", "none:a.png;" * 5, "s.csv, line 2: 5 control is too many: use at most 4"),
        ("reference", "a.png;" * 5, "s.csv, line 2: 5 references is too many: use at most 4"),
    ],
)
def test_a_bad_unit_cell_is_one_line_naming_file_line_and_column(
    art, header, cell, message
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        _parse(f'prompt,{header}\nfox,"{cell}"\n', "s.csv", art)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_a_missing_or_special_control_file_names_it_and_the_row(art) -> None:
    with pytest.raises(InvalidRequestError, match=r"s\.csv, line 3: .*gone\.png"):
        _parse("prompt,control\nfox,canny:photo.png\nowl,canny:gone.png\n", "s.csv", art)
    os.mkfifo(art / "pipe.png")  # would block an open() forever
    with pytest.raises(InvalidRequestError, match=r"s\.csv, line 2: .*pipe\.png"):
        _parse("prompt,reference\nfox,pipe.png\n", "s.csv", art)


def test_a_control_with_a_mask_makes_an_inpaint_with_the_unit(art) -> None:
    """Refused before (``control: inpainting cannot take a control image yet``)."""
    text = "prompt,init_image,mask_image,control\nfox,photo.png,hero.png,canny:photo.png:0.5\n"
    (draft,) = _parse(text, "s.csv", art)
    assert draft.request.is_inpaint
    assert [(c.kind, c.weight) for c in draft.request.controls] == [("canny", 0.5)]


def test_a_reference_file_whose_name_ends_in_a_number_is_that_file(art) -> None:
    (art / "hero.png").rename(art / "hero:2")
    (draft,) = _parse("prompt,reference\nfox,hero:2\n", "s.csv", art)
    assert (draft.request.references[0].weight, draft.request.references[0].source) == (
        1.0, "hero:2",
    )  # fmt: skip


def test_unit_cells_need_an_image_reader() -> None:
    with pytest.raises(InvalidRequestError, match="control: images are not available here"):
        parse_spec("prompt,control\nfox,canny:a.png\n", "s.csv", SpecContext({}, 0))


def test_model_cells_that_are_paths_start_from_the_spec_folder(art, tmp_path_factory) -> None:
    (art / "nets").mkdir()
    (art / "nets" / "canny.safetensors").write_bytes(b"x")
    (art / "ipa.bin").write_bytes(b"x")
    text = (
        "prompt,control,control_model,reference,reference_model\n"
        "fox,canny:photo.png; canny:hero.png,nets/canny.safetensors; my_canny,hero.png,ipa.bin\n"
    )
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    cwd = Path.cwd()
    os.chdir(elsewhere)  # the run starts in another folder than the spec's
    try:
        (fox,) = _parse(text, "set.csv", art)
    finally:
        os.chdir(cwd)
    first, second = fox.request.controls
    assert first.model == str(art / "nets" / "canny.safetensors")
    assert second.model == "my_canny"  # a name stays a name for the model index
    assert fox.request.references[0].model == str(art / "ipa.bin")
