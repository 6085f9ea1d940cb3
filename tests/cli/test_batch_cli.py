"""``studio batch``: a set into a project or folder, killed with SIGKILL and resumed, and on Ray."""

from __future__ import annotations

import io
import json
import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.cli import main
from studio.project.store import ProjectStore

TEMPLATE = "{red|green|blue} {potion|sword}"
ROOT = Path(__file__).resolve().parents[2]


def _batch_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        STUDIO_CONFIG_DIR=str(tmp_path / "config"),
        STUDIO_DATA_DIR=str(tmp_path / "data"),
        OMP_NUM_THREADS="1",  # the same arithmetic in every run, so pixels can be compared
    )
    return env


def _studio(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "studio", "batch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def project_images(path: Path) -> dict[str, np.ndarray]:
    """Batch item id -> pixels of every entry; fails on a duplicate item."""
    with ProjectStore.open(path) as store:
        found: dict[str, np.ndarray] = {}
        for entry in store.entries():
            item = entry.recipe["extra"]["batch_item"]
            assert item not in found, f"item {item} committed twice"
            found[item] = np.asarray(Image.open(io.BytesIO(store.image_png(entry.image_id))))
    return found


@pytest.mark.slow
def test_sigkill_mid_batch_then_resume_loses_nothing_and_repeats_nothing(tmp_path) -> None:
    env = _batch_env(tmp_path)
    killed = tmp_path / "killed.studio"
    run = _studio(TEMPLATE, "--seed", "5", "-o", str(killed), env=env)
    committed = []
    assert run.stdout is not None
    for line in run.stdout:
        if line.startswith("committed "):
            committed.append(line.split()[1])
        if len(committed) == 2:
            run.send_signal(signal.SIGKILL)  # mid-batch: the third image is being made
            break
    run.wait()
    assert run.returncode == -signal.SIGKILL
    assert set(project_images(killed)) >= set(committed)
    assert len(project_images(killed)) < 6

    resumed = _studio(TEMPLATE, "-o", str(killed), "--resume", env=env)
    out, err = resumed.communicate()
    assert resumed.returncode == 0, err
    assert not set(committed) & {line.split()[1] for line in out.splitlines()}

    straight = _studio(TEMPLATE, "--seed", "5", "-o", str(tmp_path / "straight.studio"), env=env)
    _out, err = straight.communicate()
    assert straight.returncode == 0, err

    after_kill, reference = project_images(killed), project_images(tmp_path / "straight.studio")
    assert sorted(after_kill) == sorted(reference) and len(reference) == 6
    for item, pixels in reference.items():
        np.testing.assert_array_equal(after_kill[item], pixels)


def test_folder_output_resume_skips_done_and_relists_a_lost_manifest_line(
    tmp_path, capsys, one_thread
) -> None:
    out = tmp_path / "set"
    assert main(["batch", "{red|blue} orb", "--seed", "1", "-o", str(out)]) == 0
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == 2 and json.loads((out / "batch.json").read_text())["seed"] == 1
    manifest = (out / "manifest.jsonl").read_text().splitlines()
    # As if killed after the PNG was renamed into place but before its line was appended.
    (out / "manifest.jsonl").write_text(manifest[0] + "\n" + manifest[1][:10])
    capsys.readouterr()
    assert main(["batch", "{red|blue} orb", "-o", str(out), "--resume"]) == 0
    captured = capsys.readouterr()
    assert "committed" not in captured.out and "0 made, 2 already there" in captured.err
    ids = [
        json.loads(line)["id"]
        for line in (out / "manifest.jsonl").read_text().splitlines()
        if line.startswith("{") and line.endswith("}")
    ]
    assert sorted(set(ids)) == sorted(p.stem[-16:] for p in pngs)


def test_starting_over_an_existing_batch_needs_resume(tmp_path, capsys, one_thread) -> None:
    out = tmp_path / "p.studio"
    assert main(["batch", "gem", "--seed", "1", "-o", str(out)]) == 0
    assert main(["batch", "gem", "--seed", "1", "-o", str(out)]) == 1
    assert "add --resume" in capsys.readouterr().err
    assert main(["batch", "gem", "-o", str(tmp_path / "new.studio"), "--resume"]) == 1
    assert "no batch to resume" in capsys.readouterr().err


def test_dry_run_previews_the_count(tmp_path, capsys) -> None:
    (tmp_path / "colour.txt").write_text("red\ngreen\n")
    spec = tmp_path / "set.txt"
    spec.write_text("__colour__ {potion|sword|shield}\n# comment\nlone gem\n")
    assert main(["batch", str(spec), "--dry-run", "--seed", "2"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 7 and "7 images (batch seed 2)" in captured.err


def test_bad_spec_is_one_line_naming_the_file(tmp_path, capsys) -> None:
    spec = tmp_path / "rows.csv"
    spec.write_text("prompt,steps\nfine,3\nbad,-1\n")
    assert main(["batch", str(spec), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("studio batch: error: rows.csv, line 3:") and "\n" not in err


def test_ray_is_never_imported_unless_asked(tmp_path) -> None:
    code = (
        "import sys; from studio.cli import main; "
        f"main(['batch', 'gem', '--seed', '1', '-o', {str(tmp_path / 'o')!r}]); "
        "print('ray' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_batch_env(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.slow
def test_the_resume_command_printed_after_ctrl_c_finishes_the_same_batch(tmp_path) -> None:
    env = _batch_env(tmp_path)
    out = tmp_path / "set"
    options = ["--per-prompt", "2", "--seed", "4", "--size", "64x64"]
    run = _studio("{red|blue} orb", *options, "-o", str(out), env=env)
    assert run.stdout is not None
    for line in run.stdout:
        if line.startswith("committed "):
            run.send_signal(signal.SIGINT)  # after the first image, as a person would
            break
    _out, err = run.communicate()
    assert run.returncode == 130, err
    resume = err.strip().splitlines()[-1].split("kept: ", 1)[1]
    assert resume == f"studio batch -o {out} --resume"

    resumed = subprocess.run(
        [sys.executable, "-m", "studio", *shlex.split(resume)[1:]],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert resumed.returncode == 0, resumed.stderr
    # --per-prompt 2 came back from the output: four images, none made twice
    assert "already there" in resumed.stderr and len(list(out.glob("*.png"))) == 4
