"""Models by kind: classification from tensor names, torch-free pickle keys, bad files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studio.domain.errors import DamagedModelError, ModelLoadError, UnsafeModelError
from studio.domain.model_kind import ADDON_KINDS, AddonInfo, ModelKind, has_base_family, kind_label
from studio.domain.models import ModelFamily
from studio.engine.model_folders import scan as scan_module
from studio.engine.model_folders.classify import classify_keys
from studio.engine.model_folders.files import describe_file
from studio.engine.model_folders.pickle_keys import pickle_tensor_shapes
from studio.engine.model_folders.scan import scan_folder
from studio.engine.sd.detect import detect_checkpoint

from .model_kinds_kit import SHAPES, write_esrgan_pth, write_kind, write_pt_embedding

SD1, SD2, SDXL, UNKNOWN = ModelFamily.SD1, ModelFamily.SD2, ModelFamily.SDXL, ModelFamily.UNKNOWN


@pytest.mark.parametrize(
    ("key", "kind", "family", "detail"),
    [
        ("kohya_sd1", ModelKind.LORA, SD1, "kohya"),
        ("kohya_sd2", ModelKind.LORA, SD2, "kohya"),
        ("kohya_sdxl", ModelKind.LORA, SDXL, "kohya"),
        ("peft_sd1", ModelKind.LORA, SD1, "diffusers/PEFT"),
        ("diffusers_sdxl", ModelKind.LORA, SDXL, "diffusers/PEFT"),
        ("loha_sd1", ModelKind.LORA, SD1, "LyCORIS LoHa"),
        ("lokr_sdxl", ModelKind.LORA, SDXL, "LyCORIS LoKr"),
        ("embedding_sd1", ModelKind.EMBEDDING, SD1, "A1111"),
        ("embedding_sdxl", ModelKind.EMBEDDING, SDXL, "SDXL"),
        ("controlnet_sd1", ModelKind.CONTROLNET, SD1, "LDM"),
        ("controlnet_diffusers_sdxl", ModelKind.CONTROLNET, SDXL, "diffusers"),
        ("ip_adapter_sd1", ModelKind.IP_ADAPTER, SD1, ""),
        ("vae", ModelKind.VAE, UNKNOWN, ""),
        ("checkpoint_sd1", ModelKind.CHECKPOINT, SD1, ""),
    ],
)
def test_kind_and_family_come_from_the_key_names(key, kind, family, detail) -> None:
    found = classify_keys(SHAPES[key])
    assert found is not None
    assert (found.kind, found.family, found.detail) == (kind, family, detail)


def test_a_layerdiffuse_patch_is_not_taken_for_a_lora() -> None:
    patch = {
        "diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q::lora::0": (4, 320),
        "diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q::lora::1": (320, 4),
    }
    found = classify_keys(patch)
    assert found is not None and found.kind is ModelKind.LAYERDIFFUSE and found.family is SD1


def test_unknown_weights_are_no_kind() -> None:
    assert classify_keys({"something.else": (3,)}) is None
    assert classify_keys({}) is None


def test_every_kind_has_a_label_and_a_family_rule() -> None:
    assert len({kind_label(kind) for kind in ModelKind}) == len(ModelKind)
    assert ModelKind.CHECKPOINT not in ADDON_KINDS
    assert not has_base_family(ModelKind.UPSCALER) and has_base_family(ModelKind.LORA)


def test_adding_a_lora_as_a_checkpoint_names_its_kind() -> None:
    with pytest.raises(ModelLoadError, match="is a LoRA add-on, not a full model"):
        detect_checkpoint(SHAPES["kohya_sdxl"], "knight.safetensors")
    with pytest.raises(ModelLoadError, match="is a ControlNet, not a full model"):
        detect_checkpoint(SHAPES["controlnet_sd1"], "canny.safetensors")


def test_a1111_pt_embedding_is_read_without_torch_loading_it(tmp_path: Path) -> None:
    path = write_pt_embedding(tmp_path / "bad-hands.pt", width=1024)
    assert pickle_tensor_shapes(path) == {"string_to_param.*": (2, 1024)}
    found = describe_file(path)
    assert isinstance(found, AddonInfo)
    assert (found.kind, found.family, found.name) == (ModelKind.EMBEDDING, SD2, "bad-hands")


def test_real_esrgan_pth_is_an_upscaler_by_spandrels_detection(tmp_path: Path) -> None:
    found = describe_file(write_esrgan_pth(tmp_path / "4x-sprites.pth"))
    assert isinstance(found, AddonInfo)
    assert (found.kind, found.detail, found.family_text()) == (ModelKind.UPSCALER, "ESRGAN", "-")


def test_a_pickle_with_code_is_refused_without_running_it(tmp_path: Path) -> None:
    import torch

    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    path = tmp_path / "evil.pt"
    torch.save({"string_to_param": {"*": torch.zeros(2, 768)}, "x": Payload()}, path)
    with pytest.raises(UnsafeModelError, match=r"evil\.pt contains code"):
        pickle_tensor_shapes(path)
    assert not marker.exists()


def test_a_legacy_format_pickle_is_read_too(tmp_path: Path) -> None:
    import torch

    path = tmp_path / "old.pt"
    torch.save({"emb_params": torch.zeros(3, 768)}, path, _use_new_zipfile_serialization=False)
    assert pickle_tensor_shapes(path) == {"emb_params": (3, 768)}


def test_bad_files_in_a_folder_each_get_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "loras"
    good = write_kind(folder / "good.safetensors", "kohya_sd1")
    (folder / "truncated.safetensors").write_bytes(good.read_bytes()[:-10])
    (folder / "unknown.safetensors").write_bytes(
        write_kind(tmp_path / "x.safetensors", "kohya_sd1").read_bytes().replace(b"lora", b"abcd")
    )
    (folder / "loop.safetensors").symlink_to(folder / "loop.safetensors")
    os.mkfifo(folder / "pipe.safetensors")
    (folder / "self").symlink_to(".")  # a folder loop is walked once
    (folder / "notes.txt").write_text("not a model")
    scan = scan_folder(folder)
    assert [a.name for a in scan.addons] == ["good"]
    lines = sorted(scan.problems)
    assert len(lines) == 4, lines
    assert "loop.safetensors is a symbolic link loop" in lines[0]
    assert "pipe.safetensors is a named pipe" in lines[1]
    assert lines[2].startswith("truncated.safetensors is damaged or incomplete")
    assert lines[3].startswith("unknown.safetensors: its weights are not recognised")


def test_a_folder_past_the_limit_reads_no_more_and_counts_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_module, "MAX_MODEL_FILES", 3)
    for index in range(7):
        write_kind(tmp_path / "many" / f"lora-{index}.safetensors", "kohya_sd1")
    scan = scan_folder(tmp_path / "many")
    assert len(scan.addons) == 3 and scan.skipped == 4
    line = scan.skipped_line()
    assert line is not None and line.startswith("4 files skipped in ")


def test_a_damaged_safetensors_is_refused_as_damaged(tmp_path: Path) -> None:
    (tmp_path / "bad.safetensors").write_bytes(b"\x00" * 3)
    with pytest.raises(DamagedModelError):
        describe_file(tmp_path / "bad.safetensors")
