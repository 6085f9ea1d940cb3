"""Hostile files through the new file-taking paths: ControlNet, reference images, ``studio frames``.

``--control KIND:IMAGE``, ``--reference FILE``, ``studio frames REFERENCE`` and its ``--poses
FILE.json``, and the ControlNet / IP-Adapter / LayerDiffuse files in an added ComfyUI folder,
each given a FIFO, a 2 GB sparse file, a PNG that is really text, a symlink out of its folder
and 100,000-deep JSON. Every case ends in exit 1 with one line naming the file (never the
boundary's "bug in Studio", never a traceback, never a hang) before any model loads.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.domain.model_kind import ModelKind
from studio.engine.addon_lookup import resolve_addon
from studio.engine.registry import ModelRegistry
from studio.imaging.png import encode_png
from tests.hostile.conftest import settings_for

pytestmark = [
    pytest.mark.timeout(30),
    pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files"),
]

IMAGE_LINE = "is not an image Studio can read; use PNG, JPEG, WebP, BMP, GIF or TIFF."
FIFO_LINE = "is a named pipe (FIFO), not a file: choose a regular file instead."


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _sparse(path: Path) -> Path:
    with path.open("wb") as handle:
        handle.truncate(2 * 1024**3)  # 2 GB of holes: a read without a bound fills the memory
    return path


def _text(path: Path) -> Path:
    path.write_text("hello, I am not a picture\n")
    return path


def _outside(path: Path) -> Path:
    outside = path.parent.parent / "elsewhere" / "notes.txt"
    outside.parent.mkdir(exist_ok=True)
    outside.write_text("private notes, not an image\n")
    path.symlink_to(outside)
    return path


def _deep(path: Path) -> Path:
    path.write_text("[" * 100_000 + "]" * 100_000)
    return path


MAKERS = {"fifo": _fifo, "sparse": _sparse, "text": _text, "outside": _outside, "deep": _deep}
EXPECTED = {"fifo": FIFO_LINE, "sparse": IMAGE_LINE, "text": IMAGE_LINE, "outside": IMAGE_LINE}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "ok.png").write_bytes(encode_png(np.zeros((16, 16, 3), dtype=np.uint8)))
    return folder


def _one_line(capsys, command: str) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err and "bug in Studio" not in captured.err
    assert lines[0].startswith(f"studio {command}: error: ")
    return lines[0]


def _generate(out: Path, *extra: str) -> list[str]:
    return ["generate", "a fox", *extra, "-o", str(out / "fox.png")]


@pytest.mark.parametrize("case", sorted(EXPECTED))
@pytest.mark.parametrize("flag", ["--control", "--reference"])
def test_a_hostile_control_or_reference_image_is_one_line(inputs, tmp_path, capsys, case, flag):
    image = MAKERS[case](inputs / "pose.png")
    value = f"canny:{image}" if flag == "--control" else str(image)
    assert main(_generate(tmp_path, flag, value)) == 1
    assert _one_line(capsys, "generate").endswith(f"pose.png {EXPECTED[case]}")
    assert not (tmp_path / "fox.png").exists()


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_a_hostile_frames_reference_is_one_line(inputs, tmp_path, capsys, case):
    image = MAKERS[case](inputs / "hero.png")
    out = tmp_path / "frames"
    assert main(["frames", str(image), "-o", str(out)]) == 1
    assert _one_line(capsys, "frames").endswith(f"hero.png {EXPECTED[case]}")
    assert not out.exists() or not any(out.iterdir())


POSES = {
    "fifo": FIFO_LINE,
    "sparse": "is larger than 1 MB, more than any pose sequence needs; check that it is the "
    "right file.",
    "text": "is not valid JSON (Expecting value): save it as a pose sequence.",
    "deep": "nests deeper than 8 levels: save it as a pose sequence.",
}


@pytest.mark.parametrize("case", sorted(POSES))
def test_a_hostile_pose_sequence_is_one_line(inputs, tmp_path, capsys, case):
    poses = MAKERS[case](inputs / "walk.json")
    args = ["frames", str(inputs / "ok.png"), "--poses", str(poses), "-o", str(tmp_path / "f")]
    assert main(args) == 1
    line = _one_line(capsys, "frames")
    assert "walk.json " in line and line.endswith(POSES[case])


_POINTS = "[[0.5, 0.5]" + ", null" * 17 + "]"
HUGE = "1" + "0" * 400  # an integer with no float: range checks raised OverflowError (exit 70)


@pytest.mark.parametrize(
    "text",
    [
        f'{{"name": "walk", "fps": {HUGE}, "poses": [{_POINTS}]}}',
        f'{{"name": "walk", "fps": 8, "poses": [{_POINTS.replace("0.5, 0.5", HUGE + ", 0.5")}]}}',
    ],
    ids=["fps", "point"],
)
def test_a_400_digit_number_in_a_pose_sequence_is_one_line(inputs, tmp_path, capsys, text):
    poses = inputs / "walk.json"
    poses.write_text(text)
    args = ["frames", str(inputs / "ok.png"), "--poses", str(poses), "-o", str(tmp_path / "f")]
    assert main(args) == 1
    assert _one_line(capsys, "frames").endswith(
        "walk.json holds a number too long to read: save it as a pose sequence."
    )


ADDON_FOLDERS = {
    ModelKind.CONTROLNET: "controlnet/control_sd15_canny.safetensors",
    ModelKind.IP_ADAPTER: "ipadapter/ip-adapter_sd15.safetensors",
    ModelKind.LAYERDIFFUSE: "loras/layer_xl_transparent_attn.safetensors",
}


@pytest.mark.parametrize("case", ["fifo", "sparse", "text", "outside", "truncated"])
def test_hostile_addon_files_in_an_added_folder_are_skipped_with_one_line_each(tmp_path, case):
    comfy = tmp_path / "ComfyUI"
    (comfy / "comfy").mkdir(parents=True)
    (comfy / "main.py").write_text("")
    files = []
    for relative in ADDON_FOLDERS.values():
        path = comfy / "models" / relative
        path.parent.mkdir(parents=True)
        if case == "truncated":  # a header length that runs past the end of the file
            path.write_bytes((64).to_bytes(8, "little") + b'{"a":')
        else:
            MAKERS[case](path)
        files.append(path)
    registry = ModelRegistry(settings_for(comfy, builtin_dir=tmp_path / "none"))
    registry.refresh()
    assert registry.addons() == []
    problems = registry.problems()
    for path in files:
        (line,) = [problem for problem in problems if problem.startswith(path.name)]
        assert "skipped" not in line  # `studio models` prints "skipped: " before it
    for kind, relative in ADDON_FOLDERS.items():  # asked by name, the file is not offered
        name = Path(relative).stem
        with pytest.raises(Exception, match=name) as refused:
            resolve_addon(registry, kind, name)
        assert type(refused.value).__name__ == "ModelNotFoundError"
