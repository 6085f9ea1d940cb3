"""Hostile input to train/data/eval, ``models --add``, ``info`` and the edit flags of generate.

Issue 18: every case ends in one line naming the file or option (exit 1 or a usage error),
never a hang, a bug exit (70), a raw control byte or a file written where it should not be.
Each runs under a timeout, so a hang fails the test instead of stalling CI.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.domain.errors import InvalidRequestError
from studio.train.loop import run_training
from studio.train.options import TrainOptions

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(autouse=True)
def _private_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bug's log, and anything a command writes by default (eval's studio-eval/), go to the
    test's folder, never the user's or the checkout."""
    folder = tmp_path / "state"
    monkeypatch.setenv("STUDIO_STATE_DIR", str(folder))
    monkeypatch.chdir(tmp_path)
    return folder


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    return err[-1] if err else ""


# --- Float options: NaN and infinity are refused while the command line is parsed.

FLOAT_OPTIONS = [
    ("train", ["--family", "vae", "--data", "d", "--out", "o", "--minutes"]),
    ("train", ["--family", "vae", "--data", "d", "--out", "o", "--steps", "1", "--lr"]),
    ("data", ["build", "--out", "o", "--recolour-share"]),
    ("generate", ["x", "-o", "x.png", "--cfg"]),
    ("generate", ["x", "-o", "x.png", "--variation-strength"]),
]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", "1e999"])
@pytest.mark.parametrize(("command", "argv"), FLOAT_OPTIONS)
def test_a_float_option_that_is_not_finite_is_a_usage_error(
    command, argv, value, tmp_path, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as refused:
        main([command, *argv[:-1], f"{argv[-1]}={value}"])
    assert refused.value.code == 2
    line = _error_line(capsys)
    label = "data build" if command == "data" else command
    assert line.startswith(f"studio {label}: error: argument {argv[-1]}")
    assert "is not a finite number" in line
    assert list(tmp_path.iterdir()) == []


def test_a_recipe_option_that_is_not_finite_is_a_usage_error(capsys) -> None:
    base = ["train", "--family", "vae", "--data", "d", "--out", "o", "--steps", "1"]
    with pytest.raises(SystemExit):
        main([*base, "--option", "kl_warmup=nan"])
    assert "is not NAME=NUMBER" in _error_line(capsys)


@pytest.mark.parametrize(
    ("changes", "flag"),
    [
        ({"minutes": float("nan")}, "--minutes"),
        ({"minutes": float("inf")}, "--minutes"),
        ({"minutes": -1.0}, "--minutes"),
        ({"minutes": 1e308}, "--minutes"),
        ({"steps": 1, "lr": float("inf")}, "--lr"),
        ({"steps": 1, "seed": 2**64}, "--seed"),
        ({"steps": 1, "seed": -1}, "--seed"),
        ({"steps": 1, "threads": 2**40}, "--threads"),
        ({"steps": 10**30}, "--steps"),
        ({"steps": 1, "recipe_options": (("kl_warmup", float("nan")),)}, "--option"),
    ],
)
def test_training_numbers_are_checked_before_any_work(changes, flag, tmp_path) -> None:
    # The data folder does not exist: the options must be refused before it is looked at.
    options = TrainOptions("vae", tmp_path / "missing", tmp_path / "out", **changes)
    with pytest.raises(InvalidRequestError, match=flag):
        run_training(options)
    assert not (tmp_path / "out").exists()


# --- Dataset files: bounded, depth-checked, numbers bounded, fields checked; one line each.


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    from studio.train.data.synthetic import write_synthetic_dataset

    return write_synthetic_dataset(tmp_path / "set", n=4, size=16, seed=0)


def _manifest_with(folder: Path, **fields: object) -> str:
    manifest = json.loads((folder / "manifest.json").read_text())
    return json.dumps({**manifest, **fields})


def _item_line(**fields: str) -> str:
    keys = ("caption", "concept", "style", "source", "license", "split", "key")
    return json.dumps({**dict.fromkeys(keys, "x"), **fields}) + "\n"


DEEP = "[" * 100_000 + "]" * 100_000
LONG_INT = "1" * 5000

DATASET_CASES = {
    "manifest nests deeply": ("manifest.json", lambda d: DEEP, "nests deeper than"),
    "items nest deeply": ("items.jsonl", lambda d: DEEP + "\n", "line 1 nests deeper than"),
    "long int in manifest": (
        "manifest.json",
        lambda d: _manifest_with(d).replace('"count": 4', f'"count": {LONG_INT}'),
        "5000-digit number",
    ),
    "long int in items": ("items.jsonl", lambda d: f'{{"caption": {LONG_INT}}}\n', "line 1"),
    "long size as text": (
        "manifest.json",
        lambda d: _manifest_with(d, size="9" * 5000),
        "field 'size'",
    ),
    "size as a float": ("manifest.json", lambda d: _manifest_with(d, size=1e300), "'size'"),
    "sizes not a list": ("manifest.json", lambda d: _manifest_with(d, sizes=32), "'sizes'"),
    "no content hash": (
        "manifest.json",
        lambda d: _manifest_with(d, content_sha256=None),
        "'content_sha256'",
    ),
    "NaN in manifest": ("manifest.json", lambda d: _manifest_with(d, count=float("nan")), "NaN"),
    "item is a list": ("items.jsonl", lambda d: "[1]\n", "line 1 is not a JSON object"),
    "item lacks split": ("items.jsonl", lambda d: '{"caption": "x"}\n', "line 1: field"),
    "item split unknown": ("items.jsonl", lambda d: _item_line(split="test"), "split 'test'"),
}


@pytest.mark.parametrize("case", sorted(DATASET_CASES))
def test_a_hostile_dataset_file_is_one_line_naming_it(case, dataset, capsys) -> None:
    name, content, expected = DATASET_CASES[case]
    (dataset / name).write_text(content(dataset))
    argv = ["eval", "builtin-vae", "--data", str(dataset), "--count", "2"]
    assert main(argv) == 1
    line = _error_line(capsys)
    assert line.startswith("studio eval: error: ") and name in line and expected in line
    assert "bug in Studio" not in line


@pytest.mark.parametrize("name", ["manifest.json", "items.jsonl", "images_16.npy"])
def test_a_fifo_in_a_dataset_is_refused_not_waited_on(name, dataset, tmp_path, capsys) -> None:
    (dataset / name).unlink()
    os.mkfifo(dataset / name)
    out = tmp_path / "out"
    argv = ["train", "--family", "vae", "--data", str(dataset), "--out", str(out)]
    assert main([*argv, "--steps", "1", "--preset", "tiny", "--device", "cpu"]) == 1
    if name == "manifest.json":  # every dataset's is called that: the line names the folder
        expected = (
            f"{dataset / name} is a named pipe (FIFO), not a file: rebuild the dataset in a new "
            "folder"
        )
    else:
        expected = f"{name} is a named pipe (FIFO), not a file: choose a regular file instead"
    assert _error_line(capsys) == f"studio train: error: {expected}."
    assert not out.exists()


def test_an_oversized_items_file_is_refused_from_its_size(dataset, monkeypatch, capsys) -> None:
    from studio.train.data import dataset_format

    monkeypatch.setattr(dataset_format, "MAX_ITEMS_BYTES", 64)
    assert main(["eval", "builtin-vae", "--data", str(dataset), "--count", "2"]) == 1
    line = _error_line(capsys)
    assert "items.jsonl is larger than 64 bytes" in line


METADATA_CASES = {
    "metadata.jsonl deep": ("metadata.jsonl", DEEP + "\n", "line 1 nests deeper than"),
    "metadata.jsonl long int": (
        "metadata.jsonl",
        f'{{"file_name": "a.png", "text": {LONG_INT}}}\n',
        "line 1 holds a 5000-digit number",
    ),
    "metadata.csv huge field": (
        "metadata.csv",
        'file_name,text\na.png,"' + "x" * 200_000 + '"\n',
        "is not CSV",
    ),
    "metadata.jsonl not UTF-8": ("metadata.jsonl", "\udcff", "not UTF-8"),
}


@pytest.mark.parametrize("case", sorted(METADATA_CASES))
def test_a_hostile_metadata_file_is_one_line_naming_it(case, tmp_path, capsys) -> None:
    from studio.imaging.png import encode_png

    name, content, expected = METADATA_CASES[case]
    images = tmp_path / "sprites"
    images.mkdir()
    pixels = np.zeros((8, 8, 4), np.uint8)
    pixels[2:6, 2:6] = 255
    (images / "a.png").write_bytes(encode_png(pixels))
    (images / name).write_bytes(content.encode("utf-8", "surrogateescape"))
    out = tmp_path / "out"
    assert main(["data", "build", "--from-folder", str(images), "--out", str(out)]) == 1
    line = _error_line(capsys)
    assert line.startswith("studio data: error: ") and name in line and expected in line
    assert not out.exists()


@pytest.mark.parametrize("name", ["metadata.csv", "metadata.jsonl"])
def test_a_fifo_as_a_metadata_file_is_refused(name, tmp_path, capsys) -> None:
    images = tmp_path / "sprites"
    images.mkdir()
    os.mkfifo(images / name)
    assert main(["data", "build", "--from-folder", str(images), "--out", str(tmp_path / "o")]) == 1
    assert _error_line(capsys).endswith(f"{name} is a named pipe (FIFO), not a file: "
                                        "choose a regular file instead.")  # fmt: skip


# --- JSON output: valid, the same values, and no DEL or C1 control byte.

CONTROL_TEXT = "red\x9b31m potion\x7f \x1b]0;owned\x07 \u202e"


def _assert_terminal_safe_json(out: str) -> object:
    assert not any(ch in out for ch in "\x7f\x9b\x1b\x07\u202e"), out
    return json.loads(out)


def test_info_json_escapes_controls_and_stays_valid(tmp_path, capsys) -> None:
    from studio.imaging.png import encode_png

    parameters = f"{CONTROL_TEXT}\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 8x8"
    image = tmp_path / "evil.png"
    image.write_bytes(encode_png(np.zeros((8, 8, 3), np.uint8), {"parameters": parameters}))
    assert main(["info", "--json", str(image)]) == 0
    data = _assert_terminal_safe_json(capsys.readouterr().out)
    assert data["prompt"] == CONTROL_TEXT


def test_models_json_escapes_a_model_folder_name(tmp_path, capsys) -> None:
    import shutil

    from studio.engine.builtin import default_models_dir

    folder = tmp_path / f"my{CONTROL_TEXT}"
    shutil.copytree(default_models_dir() / "builtin-vae", folder)
    assert main(["models", "--add", str(folder)]) == 0
    capsys.readouterr()
    assert main(["models", "--json"]) == 0
    data = _assert_terminal_safe_json(capsys.readouterr().out)
    assert str(folder) in [model["location"] for model in data]


# --- Edit flags: sizes are compared and capped before the model loads or a pixel is grown.


def _png(path: Path, width: int, height: int, value: int = 255) -> Path:
    from studio.imaging.png import encode_png

    path.write_bytes(encode_png(np.full((height, width, 3), value, np.uint8)))
    return path


@pytest.mark.parametrize(
    ("mask_size", "mask_value", "expected"),
    [
        ((8, 8), 255, "The mask {mask} is 8x8 but the image {init} is 16x16: paint the mask on "
                      "that image, or resize it to 16x16."),
        ((40, 16), 255, "The mask {mask} is 40x16 but the image {init} is 16x16"),
        ((16, 16), 0, "The mask {mask} is empty (all black)"),
    ],
)  # fmt: skip
def test_a_mask_that_cannot_fit_is_refused_before_the_model_loads(
    mask_size, mask_value, expected, tiny_sd1_dir, tmp_path, capsys
) -> None:
    init = _png(tmp_path / "init.png", 16, 16)
    mask = _png(tmp_path / "mask.png", *mask_size, value=mask_value)
    out = tmp_path / "out.png"
    argv = ["generate", "x", "--model", str(tiny_sd1_dir), "--init", str(init)]
    assert main([*argv, "--mask", str(mask), "--steps", "1", "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    # One line and nothing before it: no progress bar, so no model was loaded.
    assert len(err) == 1, err
    assert err[0].startswith("studio generate: error: " + expected.format(mask=mask, init=init))
    assert not out.exists()


@pytest.mark.parametrize(
    ("side", "margins", "grown"),
    [(64, "1024,1024,1024,1024", "2112x2112"), (2000, "0,0,64,0", "2064x2000")],
)
def test_an_outpaint_beyond_the_canvas_cap_is_refused_before_growing(
    side, margins, grown, tiny_sd1_dir, tmp_path, capsys
) -> None:
    init = _png(tmp_path / "init.png", side, side)
    out = tmp_path / "out.png"
    argv = ["generate", "x", "--model", str(tiny_sd1_dir), "--init", str(init)]
    assert main([*argv, "--outpaint", margins, "--steps", "1", "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0] == (
        f"studio generate: error: Outpaint {margins} would grow the {side}x{side} image to "
        f"{grown}; a grown canvas is at most 2048 pixels a side: use smaller margins."
    )
    assert not out.exists()


# --- Paths that cannot be followed: one line naming the (shortened) path, never a bug exit.

LOOP = "is a symbolic link loop"
TOO_LONG = "is a longer path than the system allows"


def _unfollowable(tmp_path: Path, kind: str) -> str:
    folder = tmp_path / "models"
    folder.mkdir()
    if kind == "self loop":
        (folder / "loop").symlink_to("loop")
        return str(folder / "loop")
    if kind == "pair loop":
        (folder / "a").symlink_to("b")
        (folder / "b").symlink_to("a")
        return str(folder / "a" / "model.safetensors")
    (folder / "self").symlink_to(".")
    if kind == "chain of 60 links":
        return str(folder / "/".join(["self"] * 60))
    if kind == "name too long":
        return str(folder / ("x" * 300))
    return str(folder / "/".join(["self"] * 1500))  # "path too long", each part resolvable


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("self loop", LOOP),
        ("pair loop", LOOP),
        ("chain of 60 links", LOOP),
        ("name too long", TOO_LONG),
        ("path too long", TOO_LONG),
    ],
)
def test_models_add_on_an_unfollowable_path_is_one_line(kind, expected, tmp_path, capsys) -> None:
    path = _unfollowable(tmp_path, kind)
    assert main(["models", "--add", path]) == 1
    line = _error_line(capsys)
    assert line.startswith(f"studio models: error: {path[:40]}") and expected in line
    assert len(line) < 400  # the path is shortened, the line stays readable
    out = tmp_path / "out.png"
    assert main(["generate", "x", "--model", path, "-o", str(out)]) == 1
    assert expected in _error_line(capsys) and not out.exists()


def test_models_remove_of_a_symlink_loop_is_not_a_bug(tmp_path, capsys) -> None:
    path = _unfollowable(tmp_path, "self loop")
    assert main(["models", "--remove", path]) == 0
    assert "bug in Studio" not in capsys.readouterr().err


# --- Integer options of eval and data build: out of range is one line, before any work.


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--seed=-1"], "--seed"),
        (["--seed", str(2**70)], "--seed"),
        (["--count", str(10**20)], "--count"),
        (["--steps", "0"], "--steps"),
        (["--scorer-steps=-5"], "--scorer-steps"),
        (["--game", "--seed=-1"], "--seed"),
    ],
)
def test_eval_numbers_are_checked_before_the_dataset_is_read(argv, flag, tmp_path, capsys) -> None:
    # The dataset folder does not exist: a number must be refused before it is looked at.
    base = ["eval", "builtin-vae", "--data", str(tmp_path / "none"), "--out", str(tmp_path / "o")]
    assert main([*base, *argv]) == 1
    assert _error_line(capsys).startswith(f"studio eval: error: {flag} must be between")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("workers", ["-1", "100000"])
def test_data_build_workers_out_of_range_is_one_line(workers, tmp_path, capsys) -> None:
    out = tmp_path / "o"
    assert main(["data", "build", "--out", str(out), f"--workers={workers}"]) == 1
    assert _error_line(capsys) == "studio data: error: --workers must be between 1 and 256."
    assert not out.exists()


# --- Source packages in the cache (copied in by hand, or damaged): one line, never a bug.


def _game_icons_cache(tmp_path: Path, files: dict[str, bytes]) -> Path:
    import io
    import tarfile

    from studio.train.data.fetch import tarball_name
    from studio.train.data.sources import GAME_ICONS

    cache = tmp_path / "cache"
    cache.mkdir()
    package = {"package.json": b'{"name": "x", "license": "CC-BY-3.0"}', **files}
    with tarfile.open(cache / tarball_name(GAME_ICONS), "w:gz") as archive:
        for name, data in package.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return cache


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"icons.json": DEEP.encode()}, "icons.json nests deeper than"),
        ({"icons.json": f'{{"icons": {LONG_INT}}}'.encode()}, "icons.json holds a 5000-digit"),
        ({"icons.json": b"[1, 2]"}, "is not laid out as that version is"),
        ({"icons.json": b'{"icons": {"a": 7}}'}, "is not laid out as that version is"),
        ({"package.json": b"[]", "icons.json": b"{}"}, "package.json is not a package manifest"),
    ],
)
def test_a_damaged_source_package_is_one_line(files, expected, tmp_path, capsys) -> None:
    cache = _game_icons_cache(tmp_path, files)
    out = tmp_path / "out"
    argv = ["data", "build", "--out", str(out), "--cache", str(cache), "--sources", "gameicons"]
    assert main([*argv, "--workers", "1"]) == 1
    line = _error_line(capsys)
    assert line.startswith("studio data: error: ") and expected in line, line
    assert "delete" in line and "from the cache" in line
    assert not out.exists()


# --- Train's output folder and --init-from: refused before work, nothing lost or blocked.


def test_train_out_that_is_a_file_is_one_line(dataset, tmp_path, capsys) -> None:
    out = tmp_path / "taken"
    out.write_text("mine")
    argv = ["train", "--family", "vae", "--data", str(dataset), "--out", str(out), "--steps", "1"]
    assert main(argv) == 1
    assert (
        _error_line(capsys)
        == f"studio train: error: --out {out} is a file, not a folder: choose a folder."
    )
    assert out.read_text() == "mine"


def test_train_never_starts_afresh_over_a_checkpoint(dataset, tmp_path, capsys) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "checkpoint.pt").write_bytes(b"hours of training")
    argv = ["train", "--family", "vae", "--data", str(dataset), "--out", str(out), "--steps", "1"]
    assert main(argv) == 1
    assert "holds a training checkpoint: add --resume" in _error_line(capsys)
    assert (out / "checkpoint.pt").read_bytes() == b"hours of training"


def test_train_init_from_a_fifo_manifest_is_refused(dataset, tmp_path, capsys) -> None:
    model = tmp_path / "model"
    model.mkdir()
    os.mkfifo(model / "studio_model.json")
    (model / "model.safetensors").write_bytes(b"")
    out = tmp_path / "out"
    argv = ["train", "--family", "vae", "--data", str(dataset), "--out", str(out), "--steps", "1"]
    extra = ["--preset", "tiny", "--device", "cpu", "--threads", "1", "--init-from", str(model)]
    assert main([*argv, *extra]) == 1
    assert "studio_model.json is damaged" in _error_line(capsys)


@pytest.mark.parametrize("count", ["1000000000", "-5", "0"])
def test_generate_count_is_checked_before_any_file_name_is_made(count, tmp_path, capsys) -> None:
    out = tmp_path / "x.png"
    assert (
        main(["generate", "x", "--model", "builtin-vae", f"--count={count}", "-o", str(out)]) == 1
    )
    assert _error_line(capsys) == (
        f"studio generate: error: --count {count} is out of range: use 1 to 100."
    )
    assert not list(tmp_path.glob("x*.png"))


@pytest.mark.parametrize(
    ("command", "flag", "inside"),
    [
        ("data", "--out", False),
        ("data", "--out", True),
        ("data", "--cache", False),
        ("eval", "--out", False),
        ("train", "--out", True),
    ],
)
def test_a_folder_option_naming_a_file_is_refused_before_work(
    command, flag, inside, dataset, tmp_path, capsys
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("mine")
    folder = taken / "sub" if inside else taken
    argv = {
        "data": ["data", "build", "--out", str(tmp_path / "o"), "--sources", "gameicons"],
        "eval": ["eval", "builtin-vae", "--data", str(dataset), "--count", "2"],
        "train": ["train", "--family", "vae", "--data", str(dataset), "--steps", "1"],
    }[command]
    assert main([*argv, flag, str(folder)]) == 1
    expected = (
        f"lies inside the file {taken}: choose a folder."
        if inside
        else "is a file, not a folder: choose a folder."
    )
    assert _error_line(capsys) == f"studio {command}: error: {flag} {folder} {expected}"
    assert taken.read_text() == "mine" and not (tmp_path / "o").exists()


def test_eval_grids_replace_a_planted_symlink_instead_of_writing_through_it(tmp_path) -> None:
    from studio.train.evaluation.grids import save_grid

    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    out = tmp_path / "eval"
    out.mkdir()
    (out / "real-grid.png").symlink_to(outside)
    save_grid(np.zeros((2, 8, 8, 4), np.uint8), out / "real-grid.png")
    assert outside.read_text() == "keep me"
    assert not (out / "real-grid.png").is_symlink()
    assert (out / "real-grid.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(("kind", "expected"), [("self loop", LOOP), ("name too long", TOO_LONG)])
def test_eval_on_an_unfollowable_model_path_is_one_line(kind, expected, dataset, tmp_path, capsys):
    path = _unfollowable(tmp_path, kind)
    assert main(["eval", path, "--data", str(dataset), "--count", "2"]) == 1
    line = _error_line(capsys)
    assert line.startswith("studio eval: error: ") and expected in line


def test_a_folder_with_more_images_than_the_cap_is_refused_before_decoding(
    tmp_path, monkeypatch, capsys
) -> None:
    from studio.train.data import from_folder

    monkeypatch.setattr(from_folder, "MAX_FOLDER_IMAGES", 3)
    images = tmp_path / "sprites"
    images.mkdir()
    for index in range(4):
        (images / f"s{index}.png").write_bytes(b"not decoded")  # refused before any decode
    out = tmp_path / "out"
    assert main(["data", "build", "--from-folder", str(images), "--out", str(out)]) == 1
    assert _error_line(capsys) == (
        f"studio data: error: {images} holds 4 images; a dataset from a folder takes at most 3: "
        "split the folder or pick a subfolder."
    )
    assert not out.exists()


@pytest.mark.parametrize("game", [False, True])
def test_eval_names_an_unknown_model_before_reading_the_dataset(game, tmp_path, capsys) -> None:
    argv = ["eval", "builtin-vae", "builtin-nope", "--data", str(tmp_path / "none")]
    assert main([*argv, "--count", "2", *(["--game"] if game else [])]) == 1
    assert _error_line(capsys).startswith("studio eval: error: No built-in model 'builtin-nope'")
