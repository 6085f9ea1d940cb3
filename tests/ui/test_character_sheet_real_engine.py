"""The Character Sheet dialog's request on the real engine: a tiny SD 1.x model with a tiny
OpenPose ControlNet and IP-Adapter in the folder layouts users have (built in fixtures,
nothing downloaded), driven through the view-model as the dialog drives it, then the frames
exported as the sheet the dialog's Export sheet… hands on."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from studio.domain.models import ModelFamily
from studio.imaging.png import encode_png
from studio.ops.character_sheet import SheetTarget, make_character_sheet
from studio.ui.viewmodels.character_sheet import CharacterSheetViewModel
from tests.engine.control_files import save_a1111_file
from tests.engine.helpers import tiny_settings
from tests.engine.reference_files import (
    ip_adapter_tensors,
    save_encoder_file,
    save_ip_adapter,
    tiny_encoder,
)
from tests.engine.test_character_sheet import _pose_reading_controlnet

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory):
    from diffusers import UNet2DConditionModel

    from studio.bench.tiny_models import build_tiny_pipeline
    from studio.engine.service import EngineService

    root = tmp_path_factory.mktemp("sheet-gui")
    sd = build_tiny_pipeline(root / "tiny-sd1", "sd1", seed=0)
    unet = UNet2DConditionModel.from_pretrained(sd / "unet")
    models = root / "models"
    save_a1111_file(
        _pose_reading_controlnet(unet),
        models / "ControlNet" / "control_v11p_sd15_openpose.safetensors",
    )
    encoder = tiny_encoder()
    save_ip_adapter(
        ip_adapter_tensors(unet, encoder), models / "ipadapter" / "ip-adapter.safetensors"
    )
    save_encoder_file(encoder, models / "clip_vision" / "CLIP-ViT-tiny.safetensors")
    (root / "empty").mkdir()
    engine = EngineService(tiny_settings(sd, models, builtin_dir=root / "empty"))
    yield engine
    engine.close()


def test_the_dialogs_request_makes_a_frame_per_pose_and_a_sheet_with_its_animation(
    qapp, service, tmp_path: Path
) -> None:
    (info,) = [m for m in service.list_models() if m.family is ModelFamily.SD1]
    knight = np.zeros((48, 48, 3), dtype=np.uint8)
    knight[8:40, 12:36] = (220, 30, 30)
    vm = CharacterSheetViewModel(
        4, encode_png(knight), {"prompt": "a knight", "seed": 5}, (info,), info.id
    )
    assert vm.refusal == ""
    vm.choose_sequence("idle")
    edited = vm.sequence.poses[1].moved("right_wrist", 0.8, 0.2)
    vm.set_pose(1, edited)
    vm.fps = 6.0
    request = vm.build_request()
    # The dialog has no steps or size: the test makes the model's defaults small and fast.
    small = replace(request.generation, steps=2, width=64, height=64)
    request = replace(request, generation=small)
    target = SheetTarget(tmp_path / "out", ("godot4", "aseprite"), vm.sequence.name)
    made = make_character_sheet(service, request, target, lambda _u: None, threading.Event())

    assert [frame.index for frame in made.frames] == list(range(vm.frame_count))
    assert {frame.request.seed for frame in made.frames} == {5}
    assert all(len(frame.request.references) == 1 for frame in made.frames)
    assert all(frame.request.references[0].source == "#4" for frame in made.frames)
    controls = [frame.request.controls[0] for frame in made.frames]
    assert len({c.image_sha256 for c in controls}) == vm.frame_count  # each its own pose
    aseprite = next(p for p in made.export.written if p.name.endswith(".aseprite.json"))
    (tag,) = json.loads(aseprite.read_text())["meta"]["frameTags"]
    assert tag["name"] == "idle" and tag["to"] - tag["from"] == vm.frame_count - 1
    godot = next(p for p in made.export.written if p.suffix == ".tres").read_text()
    assert '"idle"' in godot and "6.0" in godot
