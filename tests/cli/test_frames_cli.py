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
