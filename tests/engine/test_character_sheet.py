"""Character sheets on a tiny SD 1.x model with a tiny OpenPose ControlNet and IP-Adapter:
one frame per pose, one seed, the sheet exported with its animation, cancel between frames."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from studio.domain.character_sheet import (
    BUILTIN_REFUSAL,
    NO_REFERENCE_MODEL,
    CharacterSheetRequest,
)
from studio.domain.errors import InvalidRequestError, JobCancelled, ModelNotFoundError
from studio.domain.pose_sequences import PoseSequence, builtin_sequence
from studio.engine.service import EngineService
from studio.ops.character_sheet import SheetTarget, make_character_sheet
from tests.engine.control_files import save_a1111_file, tiny_controlnet
from tests.engine.helpers import tiny_request, tiny_settings
from tests.engine.reference_files import (
    ip_adapter_tensors,
    save_encoder_file,
    save_ip_adapter,
    tiny_encoder,
)
from tests.sd_fixtures import reference_image


@pytest.fixture(scope="module")
def roots(tiny_sd1_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A webui folder with an OpenPose ControlNet, and a ComfyUI folder with an IP-Adapter,
    both built for the tiny UNet in the file layouts users have."""
    from diffusers import UNet2DConditionModel

    unet = UNet2DConditionModel.from_pretrained(tiny_sd1_dir / "unet")
    webui = tmp_path_factory.mktemp("webui")
    save_a1111_file(
        _pose_reading_controlnet(unet),
        webui / "models" / "ControlNet" / "control_v11p_sd15_openpose.safetensors",
    )
    comfy = tmp_path_factory.mktemp("ComfyUI") / "models"
    encoder = tiny_encoder()
    save_ip_adapter(
        ip_adapter_tensors(unet, encoder), comfy / "ipadapter" / "ip-adapter_sd15.safetensors"
    )
    save_encoder_file(encoder, comfy / "clip_vision" / "CLIP-ViT-tiny.safetensors")
    return {"webui": webui, "comfy": comfy.parent}


def _pose_reading_controlnet(unet):
    """The tiny ControlNet with its hint encoder's last layer woken up: diffusers starts it at
    zero (as training does), which would make the result ignore the pose image."""
    import torch

    controlnet = tiny_controlnet(unet)
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for tensor in controlnet.controlnet_cond_embedding.conv_out.parameters():
            tensor.copy_(torch.randn(tensor.shape, generator=generator) * 4)
    return controlnet


@pytest.fixture(scope="module")
def engine(tiny_sd1_dir: Path, roots: dict[str, Path], empty_dir: Path):
    service = EngineService(
        tiny_settings(tiny_sd1_dir, roots["webui"], roots["comfy"], builtin_dir=empty_dir)
    )
    yield service
    service.close()


def _sheet(poses: int = 3, seed: int | None = 7, **generation) -> CharacterSheetRequest:
    # Poses far apart (a tiny model at 64 pixels sees only coarse differences).
    far_apart = (
        builtin_sequence("walk").poses[2],
        builtin_sequence("attack").poses[3],
        builtin_sequence("run").poses[1],
    )
    sequence = PoseSequence("walk", 8, far_apart[:poses])
    values = {
        "steps": 2,
        "seed": seed,
        "references": (reference_image(source="knight.png"),),
        **generation,
    }
    return CharacterSheetRequest(tiny_request(**values), sequence)


def _run(engine, request, events=None, cancel=None):
    sink = events.append if events is not None else (lambda _update: None)
    return list(engine.run(request, sink, cancel or threading.Event()))


def test_one_frame_per_pose_with_one_seed_and_its_own_pose(engine):
    events: list = []
    frames = _run(engine, _sheet(seed=None), events)
    assert [frame.index for frame in frames] == [0, 1, 2]
    seeds = {frame.request.seed for frame in frames}
    assert len(seeds) == 1 and None not in seeds  # one seed, drawn once for every frame
    # Each frame is steered by its own pose, and keeps the reference.
    controls = [frame.request.controls[0] for frame in frames]
    assert [c.kind for c in controls] == ["openpose"] * 3
    assert len({c.image_sha256 for c in controls}) == 3
    assert all(len(frame.request.references) == 1 for frame in frames)
    assert controls[1].source == "walk pose 2/3"
    for a, b in ((0, 1), (1, 2)):
        # Only the pose differs between the frames; with a tiny ControlNet at 64 pixels and 2
        # steps it moves them by a few levels, more or less with the machine's float order.
        assert np.abs(frames[a].pixels.astype(int) - frames[b].pixels.astype(int)).max() > 0
    # Progress counts over the whole sheet and says which frame.
    sampling = [e for e in events if e.message.startswith("Frame 3 of 3")]
    assert sampling and sampling[-1].step == sampling[-1].total
    assert not frames[0].warnings  # both add-ons were there


def test_a_pose_frame_replays_alone_as_the_same_image(engine):
    frames = _run(engine, _sheet(poses=2))
    again = _run(engine, frames[1].request)[0]
    assert np.abs(again.pixels.astype(int) - frames[1].pixels.astype(int)).max() <= 1


def test_the_sheet_is_exported_with_its_animation_in_every_format(engine, tmp_path):
    target = SheetTarget(tmp_path / "out", ("godot4", "aseprite", "texturepacker", "unity"))
    made = make_character_sheet(engine, _sheet(), target, lambda _u: None, threading.Event())
    assert len(made.frames) == 3
    names = {path.name for path in made.export.written}
    assert any(name.endswith(".tres") for name in names)
    godot = next(p for p in made.export.written if p.suffix == ".tres").read_text()
    assert '"walk"' in godot and "8.0" in godot
    aseprite = next(p for p in made.export.written if p.name.endswith(".aseprite.json"))
    tags = json.loads(aseprite.read_text())["meta"]["frameTags"]
    assert tags[0]["name"] == "walk" and tags[0]["to"] - tags[0]["from"] == 2


def test_cancel_between_frames_writes_no_sheet(engine, tmp_path):
    cancel = threading.Event()
    made: list = []

    def on_frame(frame) -> None:
        made.append(frame)
        cancel.set()  # the user presses Cancel as the first frame lands

    target = SheetTarget(tmp_path / "out", ("godot4",))
    with pytest.raises(JobCancelled):
        make_character_sheet(engine, _sheet(), target, lambda _u: None, cancel, on_frame)
    assert len(made) == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_without_an_ip_adapter_the_frames_say_they_will_drift(tiny_sd1_dir, roots, empty_dir):
    service = EngineService(tiny_settings(tiny_sd1_dir, roots["webui"], builtin_dir=empty_dir))
    try:
        frames = _run(service, _sheet(poses=2, steps=1))
    finally:
        service.close()
    assert frames[0].warnings == (NO_REFERENCE_MODEL,) and not frames[1].warnings
    assert frames[0].request.references == ()


def test_without_an_openpose_controlnet_it_is_one_line(tiny_sd1_dir, roots, empty_dir):
    service = EngineService(tiny_settings(tiny_sd1_dir, roots["comfy"], builtin_dir=empty_dir))
    try:
        with pytest.raises(ModelNotFoundError, match="No openpose ControlNet") as caught:
            _run(service, _sheet(poses=2, steps=1))
    finally:
        service.close()
    assert "\n" not in str(caught.value)


def test_builtin_models_refuse_in_one_line(tmp_path):
    from studio.domain.settings import EngineSettings

    service = EngineService(EngineSettings(device="cpu", scan_hf_cache=False))
    try:
        with pytest.raises(InvalidRequestError) as caught:
            _run(service, _sheet(model="builtin-diffusion"))
    finally:
        service.close()
    assert str(caught.value) == BUILTIN_REFUSAL
