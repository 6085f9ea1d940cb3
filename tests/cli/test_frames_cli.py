"""``studio frames REFERENCE --poses walk -o DIR``: a sheet of one character's frames, or one
line saying why not."""

from __future__ import annotations

import json

import pytest

from studio.cli import main
from studio.domain.character_sheet import BUILTIN_REFUSAL, NO_REFERENCE_MODEL
from studio.domain.pose_sequences import builtin_sequence
from tests.engine.control_files import save_a1111_file, tiny_controlnet
from tests.sd_fixtures import write_picture

pytestmark = pytest.mark.usefixtures("one_thread")


def _last_error(capsys) -> str:
    return capsys.readouterr().err.strip().splitlines()[-1]


def test_builtin_models_refuse_in_one_line(tmp_path, capsys) -> None:
    hero = write_picture(tmp_path / "hero.png")
    out = tmp_path / "out"
    code = main(["frames", str(hero), "--model", "builtin-diffusion", "-o", str(out)])
    assert code != 0
    assert BUILTIN_REFUSAL in _last_error(capsys)
    assert not out.exists() or not any(out.iterdir())


def test_an_edited_sequence_that_is_not_one_is_one_line(tmp_path, capsys) -> None:
    hero = write_picture(tmp_path / "hero.png")
    poses = tmp_path / "my-walk.json"
    poses.write_text(json.dumps({"name": "walk", "fps": 8, "poses": [[[0.5, 0.5]]]}))
    code = main(["frames", str(hero), "--poses", str(poses), "-o", str(tmp_path / "out")])
    last = _last_error(capsys)
    assert code != 0 and "my-walk.json" in last and "18 points" in last
    assert main(["frames", str(hero), "--poses", "dance", "-o", str(tmp_path / "o")]) != 0
    assert "no pose sequence 'dance'" in _last_error(capsys)


@pytest.mark.slow
def test_an_edited_walk_becomes_a_sheet_with_its_animation(tiny_sd_dir, tmp_path, capsys) -> None:
    from diffusers import UNet2DConditionModel

    unet = UNet2DConditionModel.from_pretrained(tiny_sd_dir / "unet")
    controls = tmp_path / "webui" / "models" / "ControlNet"
    save_a1111_file(tiny_controlnet(unet), controls / "control_v11p_sd15_openpose.safetensors")
    assert main(["models", "--add", str(tmp_path / "webui")]) == 0
    walk = builtin_sequence("walk")
    edited = walk.with_pose(0, walk.poses[0].moved("right_wrist", 0.8, 0.3)).to_dict()
    edited["poses"] = edited["poses"][:3]
    poses = tmp_path / "walk.json"
    poses.write_text(json.dumps(edited))
    out = tmp_path / "out"
    hero = write_picture(tmp_path / "hero.png")
    args = ["frames", str(hero), "--poses", str(poses), "-o", str(out)]
    options = ["--model", str(tiny_sd_dir), "--steps", "1", "--size", "64x64", "--seed", "5"]
    assert main([*args, *options, "--fps", "6", "--format", "godot4,aseprite"]) == 0
    captured = capsys.readouterr()
    assert "3 frames of walk at 6 fps, seed 5" in captured.out
    assert NO_REFERENCE_MODEL in captured.out + captured.err  # no IP-Adapter was added
    godot = (out / "walk.tres").read_text()
    assert '"walk"' in godot and "6.0" in godot


def _entry_project(tmp_path, request: dict) -> str:
    """A project whose history entry #1 was made by ``request``."""
    from studio.imaging.decode import load_pixels
    from studio.imaging.png import encode_png
    from studio.imaging.thumbnails import make_thumbnail
    from studio.project.store import ProjectStore

    rgba = load_pixels(write_picture(tmp_path / "knight.png"))
    project = ProjectStore.create(tmp_path / "game.studio")
    project.add_image_entry(
        "generate", encode_png(rgba), make_thumbnail(rgba), rgba.shape[1], rgba.shape[0],
        "a knight in red", {"request": request},
    )  # fmt: skip
    project.close()
    return str(tmp_path / "game.studio")


def _frames_request(monkeypatch, argv: list[str]):
    """The character-sheet request ``studio frames`` submits (the sheet itself is not made)."""
    import studio.ops.character_sheet as sheets

    submitted = []

    def capture(engine, request, *_rest):
        submitted.append(request)
        raise sheets.StudioError("captured")

    monkeypatch.setattr(sheets, "make_character_sheet", capture)
    assert main(argv) != 0
    (request,) = submitted
    return request.generation


def test_frames_of_an_entry_keep_its_seed_settings_and_transparency(
    tiny_sd_dir, tmp_path, monkeypatch
) -> None:
    made = {
        "model": str(tiny_sd_dir), "seed": 41, "width": 96, "height": 128, "steps": 3,
        "cfg_scale": 3.5, "sampler": "Euler a", "transparent_background": True,
    }  # fmt: skip
    project = _entry_project(tmp_path, made)
    base = ["frames", "#1", "--project", project, "--model", str(tiny_sd_dir)]
    out = ["-o", str(tmp_path / "out")]
    generation = _frames_request(monkeypatch, [*base, *out])
    assert generation.prompt == "a knight in red"
    assert (generation.seed, generation.width, generation.height) == (41, 96, 128)
    assert (generation.steps, generation.cfg_scale, generation.sampler) == (3, 3.5, "Euler a")
    assert generation.transparent_background
    # Options win over the entry, and --opaque turns its transparency off.
    options = ["--seed", "5", "--steps", "2", "--size", "64x64", "--opaque"]
    generation = _frames_request(monkeypatch, [*base, *options, *out])
    assert (generation.seed, generation.steps, generation.width) == (5, 2, 64)
    assert generation.cfg_scale == 3.5 and not generation.transparent_background
