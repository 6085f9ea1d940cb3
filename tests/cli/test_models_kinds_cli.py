"""``studio models``: an A1111/ComfyUI install added as it is, listed by kind and family."""

from __future__ import annotations

import json
from pathlib import Path

from studio.cli import main
from tests.engine.model_kinds_kit import a1111_tree, comfy_tree, write_kind


def test_adding_an_a1111_install_lists_every_file_by_kind(tmp_path: Path, capsys) -> None:
    root = a1111_tree(tmp_path / "webui")
    assert main(["models", "--add", str(root)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"added {root} (A1111/Forge install: 1 checkpoint, 3 LoRAs, 1 embedding, 1 upscaler, "
        "1 ControlNet)"
    )  # the window's notice says the same words
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "pixel-base" in out.split("ADD-ON")[0]  # checkpoints keep their table
    rows = {line.split()[0]: line.split()[1:4] for line in out.split("ADD-ON")[1].splitlines()[1:]}
    assert rows == {
        "pixel-art": ["lora", "sd1", "kohya"],
        "knight-xl": ["lora", "sdxl", "kohya"],
        "dither": ["lora", "sd1", "LyCORIS"],
        "bad-hands": ["embedding", "sd2", "A1111"],
        "4x-sprites": ["upscaler", "-", "ESRGAN"],
        "canny": ["controlnet", "sd1", "LDM"],
    }


def test_models_json_gives_name_kind_family_and_path(tmp_path: Path, capsys) -> None:
    root = comfy_tree(tmp_path / "ComfyUI", tmp_path / "webui")
    assert main(["models", "--add", str(root)]) == 0
    capsys.readouterr()
    assert main(["models", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    mine = {e["name"]: (e["kind"], e["family"]) for e in entries if str(tmp_path) in e["location"]}
    assert mine == {
        "base": ("checkpoint", "sd1"),
        "sprite": ("lora", "sd1"),
        "one": ("lora", "sd2"),
        "two": ("lora", "sdxl"),
        "xl-style": ("embedding", "sdxl"),
        "depth-xl": ("controlnet", "sdxl"),
        "real": ("upscaler", "-"),
    }


def test_bad_files_are_one_line_each_in_the_listing(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "loras"
    write_kind(folder / "good.safetensors", "kohya_sd1")
    (folder / "cut.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{}")
    assert main(["models", "--add", str(folder)]) == 0
    assert "(folder: 1 LoRA; 1 file skipped)" in capsys.readouterr().out
    assert main(["models"]) == 0
    captured = capsys.readouterr()
    skipped = [line for line in captured.out.splitlines() if line.startswith("skipped:")]
    assert skipped == [
        "skipped: cut.safetensors is damaged or incomplete (the header runs past the end of the "
        "file): download it again."
    ]
    assert "Traceback" not in captured.err
    assert main(["models", "--json"]) == 0
    captured = capsys.readouterr()
    assert "cut.safetensors is damaged" in captured.err and json.loads(captured.out)


def test_a_single_lora_file_is_added_as_an_add_on(tmp_path: Path, capsys) -> None:
    path = write_kind(tmp_path / "glow.safetensors", "peft_sd1")
    assert main(["models", "--add", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"added {path} (model file: 1 LoRA)"


def test_rescan_reads_the_folders_again(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "loras"
    write_kind(folder / "one.safetensors", "kohya_sd1")
    assert main(["models", "--add", str(folder)]) == 0
    write_kind(folder / "two.safetensors", "kohya_sdxl")
    capsys.readouterr()
    assert main(["models", "--rescan"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("rescanned 1 added paths; Studio sees ")
    assert ", 2 LoRAs; 0 skipped" in out.splitlines()[0]


def test_an_empty_folder_is_still_refused_in_one_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["models", "--add", str(tmp_path / "empty")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("studio models: error: empty holds no model") and err.count("\n") == 1
