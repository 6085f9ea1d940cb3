"""A batch's outputs and ``--resume`` against tampered, planted and special files (issue 18).

Every file a batch writes stays inside its output folder; a tampered ``manifest.jsonl`` or
``batch.json`` is one line naming the file and what to do; a damaged PNG is redone, never
counted as done; a refused batch leaves nothing behind. Each case runs under a timeout, so a
FIFO that blocks fails the test instead of stalling it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from studio.cli import main

pytestmark = pytest.mark.timeout(60)

ITEM_FILE = re.compile(r"^\d{4}-[a-z0-9_-]{1,60}-[0-9a-f]{16}\.png$")


def batch(capsys, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``studio batch ARGS`` run in this process."""
    code = main(["batch", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error_line(err: str) -> str:
    """The error line of a refused command; fails unless it is the only line."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("studio batch: error: ") and "bug in Studio" not in lines[0]
    return lines[0]


@pytest.fixture
def made(tmp_path, capsys) -> Path:
    """A finished two-image batch in a folder (seed 1)."""
    out = tmp_path / "set"
    code, _out, err = batch(capsys, "{red|blue} orb", "--seed", "1", "-o", str(out))
    assert code == 0, err
    return out


def _pngs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.png"))


# -- nothing written outside the output folder --------------------------------------------------


def test_resume_never_appends_through_a_manifest_symlink(made, tmp_path, capsys) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    (made / "manifest.jsonl").unlink()
    (made / "manifest.jsonl").symlink_to(outside)
    _pngs(made)[0].unlink()  # one image to redo, so the old code appended a line

    code, _out, err = batch(capsys, "{red|blue} orb", "-o", str(made), "--resume")

    assert outside.read_text() == "precious\n"
    assert code == 1 and "manifest.jsonl" in one_error_line(err)


def test_a_planted_png_symlink_is_redone_inside_the_folder(made, tmp_path, capsys) -> None:
    first = _pngs(made)[0]
    outside = tmp_path / "outside.png"
    original = first.read_bytes()
    outside.write_bytes(original)
    first.unlink()
    first.symlink_to(outside)

    code, _out, err = batch(capsys, "{red|blue} orb", "-o", str(made), "--resume")

    assert code == 0, err
    assert "1 made, 1 already there" in err
    assert outside.read_bytes() == original
    assert all(not p.is_symlink() for p in _pngs(made))
    assert len(_pngs(made)) == 2


# -- a tampered manifest.jsonl or batch.json is one line naming it ------------------------------


def _tamper(path: Path, how: str) -> None:
    path.unlink()
    if how == "folder":
        path.mkdir()
    elif how == "fifo":
        os.mkfifo(path)
    elif how == "garbage":
        path.write_text('{"id": "0123456789abcdef", "file": "x.png", "seed": 1}\nnot json at all\n')
    elif how == "deep":
        path.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    elif how == "huge":
        with open(path, "wb") as handle:
            handle.truncate(3 << 30)  # sparse: costs nothing on disk, must cost nothing to refuse
    elif how == "wrong-types":
        path.write_text('{"id": 12, "file": ["a"], "seed": "x"}\n')
    elif how == "escaping-name":
        path.write_text('{"id": "0123456789abcdef", "file": "../../etc/passwd", "seed": 1}\n')
    elif how == "binary":
        path.write_bytes(b"\xff\xfe\x00garbage\n")
    else:
        raise AssertionError(how)


MANIFEST_CASES = ["folder", "fifo", "garbage", "deep", "huge", "wrong-types", "escaping-name"]


@pytest.mark.parametrize("how", [*MANIFEST_CASES, "binary"])
def test_a_tampered_manifest_is_one_line_naming_it(made, capsys, how) -> None:
    _tamper(made / "manifest.jsonl", how)

    code, _out, err = batch(capsys, "{red|blue} orb", "-o", str(made), "--resume")

    line = one_error_line(err)
    assert code == 1 and "manifest.jsonl" in line and "--resume" in line


@pytest.mark.parametrize("how", ["folder", "fifo", "garbage", "deep", "huge", "wrong-types"])
def test_a_tampered_batch_json_is_one_line_naming_it(made, capsys, how) -> None:
    path = made / "batch.json"
    if how == "wrong-types":
        path.unlink()
        path.write_text('{"seed": "one", "total": [], "options": 5}')
    else:
        _tamper(path, how)

    code, _out, err = batch(capsys, "{red|blue} orb", "-o", str(made), "--resume")

    line = one_error_line(err)
    assert code == 1 and "batch.json" in line


def test_a_manifest_line_cut_short_by_a_kill_is_repaired(made, capsys) -> None:
    manifest = made / "manifest.jsonl"
    lines = manifest.read_text().splitlines()
    manifest.write_text(lines[0] + "\n" + lines[1][:10])

    code, _out, err = batch(capsys, "{red|blue} orb", "-o", str(made), "--resume")
    assert code == 0, err
    records = [json.loads(line) for line in manifest.read_text().splitlines()]
    assert sorted(r["file"] for r in records) == sorted(p.name for p in _pngs(made))
    # and the repaired manifest is accepted by the next resume
    assert batch(capsys, "{red|blue} orb", "-o", str(made), "--resume")[0] == 0


# -- resume trusts only PNGs that decode and carry the item's recipe ----------------------------


def test_a_truncated_png_is_redone_on_resume(made, capsys) -> None:
    first = _pngs(made)[0]
    whole = first.read_bytes()
    first.write_bytes(whole[: len(whole) // 2])

    code, _out, err = batch(capsys, "{red|blue} orb", "-o", str(made), "--resume")

    assert code == 0, err
    assert "1 made, 1 already there" in err
    from studio.imaging.decode import load_pixels

    for png in _pngs(made):
        load_pixels(png)  # every PNG left under an item's name decodes


def test_a_png_carrying_another_items_recipe_is_redone(made, capsys) -> None:
    first, second = _pngs(made)
    first.write_bytes(second.read_bytes())

    code, _out, err = batch(capsys, "{red|blue} orb", "-o", str(made), "--resume")

    assert code == 0, err
    assert "1 made, 1 already there" in err
    assert first.read_bytes() != second.read_bytes()


def test_a_listed_png_that_is_missing_is_redone(made, capsys) -> None:
    _pngs(made)[1].unlink()

    code, _out, err = batch(capsys, "{red|blue} orb", "-o", str(made), "--resume")

    assert code == 0, err
    assert "1 made, 1 already there" in err and len(_pngs(made)) == 2


# -- outputs that are folders, in missing folders, or would be left empty -----------------------


def test_an_image_path_taken_by_a_folder_is_one_line_before_any_work(tmp_path, capsys) -> None:
    code, out, _err = batch(capsys, "gem", "--seed", "1", "--dry-run")
    item_id = out.split()[0]
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / f"0001-gem-{item_id}.png").mkdir()

    code, _out, err = batch(capsys, "gem", "--seed", "1", "-o", str(folder))

    line = one_error_line(err)
    assert code == 1 and f"0001-gem-{item_id}.png" in line and "folder" in line
    assert not (folder / "batch.json").exists()


@pytest.mark.parametrize("name", ["p.studio", "set"])
def test_an_output_in_a_missing_folder_is_one_line(tmp_path, capsys, name) -> None:
    code, _out, err = batch(capsys, "gem", "-o", str(tmp_path / "missing" / name))
    assert code == 1 and "does not exist" in one_error_line(err)
    assert not (tmp_path / "missing").exists()


def test_a_project_path_that_is_a_folder_is_one_line(tmp_path, capsys) -> None:
    (tmp_path / "p.studio").mkdir()
    code, _out, err = batch(capsys, "gem", "-o", str(tmp_path / "p.studio"))
    assert code == 1 and "p.studio" in one_error_line(err)


@pytest.mark.parametrize("name", ["new.studio", "new-folder"])
@pytest.mark.parametrize("fault", ["spec", "model"])
def test_a_refused_batch_leaves_nothing_behind(tmp_path, capsys, name, fault) -> None:
    if fault == "spec":
        spec = tmp_path / "rows.csv"
        spec.write_text("prompt,steps\nbad,-1\n")
        args = [str(spec)]
    else:
        args = ["gem", "--model", "no-such-model"]

    code, _out, err = batch(capsys, *args, "-o", str(tmp_path / name))

    one_error_line(err)
    assert code == 1 and not (tmp_path / name).exists()


# -- the stored options make --resume finish the same batch -------------------------------------


def test_resume_alone_finishes_the_same_batch(tmp_path, capsys) -> None:
    out = tmp_path / "set"
    args = ["{red|blue} orb", "--per-prompt", "2", "--seed", "3", "--size", "64x64"]
    code, _out, err = batch(capsys, *args, "-o", str(out))
    assert code == 0, err
    names = [p.name for p in _pngs(out)]
    assert len(names) == 4
    for png in _pngs(out)[1:3]:
        png.unlink()

    code, _out, err = batch(capsys, "-o", str(out), "--resume")

    assert code == 0, err
    assert "2 made, 2 already there" in err
    assert [p.name for p in _pngs(out)] == names


@pytest.mark.parametrize(
    ("option", "value"),
    [("--per-prompt", "1"), ("--size", "32x32"), ("--steps", "3"), ("--negative", "blur")],
)
def test_resume_with_a_different_option_is_refused_naming_it(
    tmp_path, capsys, option, value
) -> None:
    out = tmp_path / "set"
    assert batch(capsys, "orb", "--per-prompt", "2", "--size", "64x64", "-o", str(out))[0] == 0
    _pngs(out)[0].unlink()

    code, _out, err = batch(capsys, "orb", "-o", str(out), "--resume", option, value)

    line = one_error_line(err)
    assert code == 1 and option in line
    assert len(_pngs(out)) == 1


def test_resume_refuses_a_different_spec(made, capsys) -> None:
    code, _out, err = batch(capsys, "{red|green} orb", "-o", str(made), "--resume")
    assert code == 1 and "SPEC" in one_error_line(err)


def test_resume_refuses_a_spec_file_changed_since(tmp_path, capsys) -> None:
    spec = tmp_path / "set.txt"
    spec.write_text("{red|blue} orb\n")
    out = tmp_path / "set"
    assert batch(capsys, str(spec), "--seed", "2", "-o", str(out))[0] == 0
    spec.write_text("{red|green} orb\n")

    code, _out, err = batch(capsys, "-o", str(out), "--resume")

    line = one_error_line(err)
    assert code == 1 and "changed" in line


# -- the dry run shows the seeds the real run uses ----------------------------------------------


def test_dry_run_of_a_resume_shows_the_stored_seeds(made, capsys) -> None:
    listed = {
        json.loads(line)["id"]: json.loads(line)["seed"]
        for line in (made / "manifest.jsonl").read_text().splitlines()
    }

    code, out, err = batch(capsys, "-o", str(made), "--resume", "--dry-run")

    assert code == 0, err
    shown = {line.split()[0]: int(line.split()[2]) for line in out.splitlines()}
    assert shown == listed and "batch seed 1" in err


def test_dry_run_without_a_seed_names_the_seed_to_pass(tmp_path, capsys) -> None:
    code, out, err = batch(capsys, "{red|blue} orb", "--dry-run")
    assert code == 0
    seed = re.search(r"--seed (\d+)", err)
    assert seed, err
    shown = out.splitlines()

    again = batch(capsys, "{red|blue} orb", "--dry-run", "--seed", seed.group(1))[1]
    assert again.splitlines() == shown


# -- safe file names ----------------------------------------------------------------------------


def test_batch_file_names_are_safe_slugs(tmp_path, capsys) -> None:
    out = tmp_path / "set"
    prompt = "Red, BIG  orb / ../ CON: \u00e9t\u00e9 " + "long " * 40

    code, _out, err = batch(capsys, prompt, "--seed", "1", "-o", str(out))

    assert code == 0, err
    (png,) = _pngs(out)
    assert ITEM_FILE.match(png.name), png.name
    assert png.name.startswith("0001-red-big-orb-con-ete-long")


def test_a_project_batch_resumes_with_its_stored_options(tmp_path, capsys) -> None:
    out = tmp_path / "p.studio"
    made = batch(capsys, "{red|blue} orb", "--per-prompt", "2", "--seed", "3", "-o", str(out))
    assert made[0] == 0, made[2]

    code, _out, err = batch(capsys, "-o", str(out), "--resume")
    assert code == 0 and "0 made, 4 already there" in err

    code, _out, err = batch(capsys, "-o", str(out), "--resume", "--per-prompt", "1")
    assert code == 1 and "--per-prompt" in one_error_line(err)


def test_a_tampered_project_batch_record_is_one_line(tmp_path, capsys) -> None:
    from studio.project.store import ProjectStore

    out = tmp_path / "p.studio"
    assert batch(capsys, "gem", "--seed", "1", "-o", str(out))[0] == 0
    with ProjectStore.open(out) as store:
        store.set_state("batch", {"seed": "one", "total": 1, "options": [1, 2]})

    code, _out, err = batch(capsys, "gem", "-o", str(out), "--resume")

    assert code == 1 and "p.studio's batch record" in one_error_line(err)


def test_a_new_batch_never_replaces_images_it_did_not_make(made, capsys) -> None:
    (made / "batch.json").unlink()  # the record gone: the images are not this run's
    before = {p.name: p.read_bytes() for p in _pngs(made)}

    code, _out, err = batch(capsys, "{red|blue} orb", "--seed", "2", "-o", str(made))

    assert code == 1 and "already there" in one_error_line(err)
    assert {p.name: p.read_bytes() for p in _pngs(made)} == before


@pytest.mark.parametrize(
    "options",
    [{"per_prompt": "many"}, {"steps": [3]}, {"cfg": "high"}, {"spec": 5}, {"per_prompt": True}],
)
def test_stored_options_of_the_wrong_type_are_one_line(made, capsys, options) -> None:
    record = json.loads((made / "batch.json").read_text())
    record["options"] = {**record["options"], **options}
    (made / "batch.json").write_text(json.dumps(record))

    code, _out, err = batch(capsys, "-o", str(made), "--resume")

    assert code == 1 and str(made) in one_error_line(err)
