"""``studio generate``, ``studio info`` and ``studio models`` end to end on a tiny model."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.imaging.decode import load_pixels
from studio.imaging.png import encode_png, png_text_chunks
from studio.imaging.recipe import read_recipe
from studio.launcher import main as launcher_main
from studio.project.store import ProjectStore
from tests.sd_fixtures import one_error_line

pytestmark = pytest.mark.usefixtures("one_thread")


def _generate(tiny_sd_dir: Path, out: Path, *extra: str) -> int:
    args = ["generate", "a red fox", "--model", str(tiny_sd_dir), "--steps", "2"]
    return main([*args, "--size", "64x64", *extra, "-o", str(out)])


def test_round_trip_metadata_and_seed_determinism(tiny_sd_dir, tmp_path, capsys) -> None:
    first, again, other = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"
    assert _generate(tiny_sd_dir, first, "--seed", "42", "--negative", "blurry") == 0
    assert _generate(tiny_sd_dir, again, "--seed", "42", "--negative", "blurry") == 0
    assert _generate(tiny_sd_dir, other, "--seed", "43", "--negative", "blurry") == 0
    captured = capsys.readouterr()
    assert f"wrote {first} (seed 42)" in captured.out
    assert "step" in captured.err  # the progress bar went to stderr

    chunks = png_text_chunks(first)
    assert chunks["parameters"].startswith("a red fox\nNegative prompt: blurry\n")
    assert "Seed: 42" in chunks["parameters"] and "Size: 64x64" in chunks["parameters"]
    recipe = read_recipe(first)
    assert recipe.source == "studio" and recipe.request.seed == 42
    assert recipe.request.model == str(tiny_sd_dir)
    a, b, c = (load_pixels(p, mode="RGB") for p in (first, again, other))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_count_writes_numbered_files_with_consecutive_seeds(tiny_sd_dir, tmp_path) -> None:
    out = tmp_path / "batch.png"
    assert _generate(tiny_sd_dir, out, "--seed", "7", "--count", "3") == 0
    seeds = [
        read_recipe(tmp_path / n).request.seed for n in ("batch.png", "batch-2.png", "batch-3.png")
    ]
    assert seeds == [7, 8, 9]


def test_img2img_from_an_init_image(tiny_sd_dir, tmp_path) -> None:
    init = tmp_path / "init.png"
    init.write_bytes(encode_png(np.full((64, 64, 3), 200, dtype=np.uint8)))
    out = tmp_path / "i2i.png"
    assert _generate(tiny_sd_dir, out, "--seed", "1", "--init", str(init), "--strength", "0.5") == 0
    chunks = png_text_chunks(out)
    stored = json.loads(chunks["studio"])["request"]
    assert stored["strength"] == 0.5 and len(stored["init_image_sha256"]) == 64
    assert "Denoising strength: 0.5" in chunks["parameters"]


def test_images_can_also_go_into_a_project(tiny_sd_dir, tmp_path) -> None:
    project = tmp_path / "cli.studio"
    assert (
        _generate(
            tiny_sd_dir,
            tmp_path / "p.png",
            "--seed",
            "3",
            "--count",
            "2",
            "--project",
            str(project),
        )
        == 0
    )
    with ProjectStore.open(project) as store:
        assert [e.recipe["request"]["seed"] for e in store.entries()] == [4, 3]


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--sampler", "warp drive"], "Unknown sampler"),
        (["--size", "65x64"], "multiple of 8"),
        (["--size", "banana"], "WIDTHxHEIGHT"),
        (["--strength", "0.5"], "--init"),
    ],
)
def test_bad_options_give_one_line_and_a_failure_code(
    tiny_sd_dir, tmp_path, capsys, extra, fragment
):
    assert _generate(tiny_sd_dir, tmp_path / "x.png", *extra) != 0
    assert fragment in one_error_line(capsys)
    assert not (tmp_path / "x.png").exists()


def test_a_missing_model_path_is_one_clear_line(tmp_path, capsys) -> None:
    code = main(
        [
            "generate",
            "x",
            "--model",
            str(tmp_path / "nope.safetensors"),
            "-o",
            str(tmp_path / "o.png"),
        ]
    )
    assert code != 0
    assert "nope.safetensors" in one_error_line(capsys)


class _Marker:
    def __reduce__(self):
        return (open, ("/dev/null",))


def test_a_checkpoint_carrying_code_is_refused(tmp_path, capsys) -> None:
    evil = tmp_path / "evil.ckpt"
    evil.write_bytes(pickle.dumps({"state_dict": {"x": _Marker()}}))
    code = main(["generate", "x", "--model", str(evil), "-o", str(tmp_path / "o.png")])
    assert code != 0
    line = one_error_line(capsys)
    assert "evil.ckpt" in line


def test_a_damaged_safetensors_file_is_refused(tmp_path, capsys) -> None:
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
    code = main(["generate", "x", "--model", str(broken), "-o", str(tmp_path / "o.png")])
    assert code != 0
    assert "damaged" in one_error_line(capsys)


def test_info_reads_an_a1111_png(tmp_path, capsys) -> None:
    png = tmp_path / "a1111.png"
    text = (
        "masterpiece, a knight\nNegative prompt: lowres\n"
        "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 965400086, Size: 512x512, "
        "Model hash: 45dee52b, Model: sd15"
    )
    png.write_bytes(encode_png(np.zeros((8, 8, 3), dtype=np.uint8), {"parameters": text}))
    assert main(["info", str(png)]) == 0
    out = capsys.readouterr().out
    assert "masterpiece, a knight" in out and "lowres" in out and "965400086" in out
    assert main(["info", str(png), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == "a1111" and data["request"]["seed"] == 965400086
    assert data["request"]["sampler"] == "Euler a"


def test_info_on_an_image_without_a_recipe(tmp_path, capsys) -> None:
    png = tmp_path / "plain.png"
    png.write_bytes(encode_png(np.zeros((8, 8, 3), dtype=np.uint8)))
    assert main(["info", str(png)]) == 1
    assert "no recipe" in capsys.readouterr().out


def test_a_decompression_bomb_init_image_is_one_line(tiny_sd_dir, tmp_path, capsys) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))
    assert (
        main(
            [
                "generate",
                "x",
                "--model",
                str(tiny_sd_dir),
                "--init",
                str(bomb),
                "--strength",
                "0.5",
                "-o",
                str(tmp_path / "o.png"),
            ]
        )
        != 0
    )
    assert "30000" in one_error_line(capsys)


def test_models_lists_added_models_with_their_source(tiny_sd_dir, capsys) -> None:
    assert main(["models", "--add", str(tiny_sd_dir)]) == 0
    capsys.readouterr()
    assert main(["models", "--json"]) == 0
    models = json.loads(capsys.readouterr().out)
    mine = [m for m in models if m["location"] == str(tiny_sd_dir)]
    assert mine and mine[0]["source"] == "user" and mine[0]["family"] == "sd1"
    assert main(["models"]) == 0
    assert str(tiny_sd_dir) in capsys.readouterr().out


@pytest.mark.slow
def test_bench_generate_prints_both_timings_and_the_ratio(capsys) -> None:
    assert launcher_main(["bench", "generate", "--steps", "2", "--repeats", "1", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    ours, theirs = row["ours_s"]["median"], row["diffusers_s"]["median"]
    assert ours > 0 and theirs > 0
    assert row["ratio"] == pytest.approx(ours / theirs, rel=1e-2)
    assert row["machine"]["cores"] >= 1


def test_models_marks_the_model_used_when_none_is_chosen(capsys) -> None:
    assert main(["models"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["MODEL", "FAMILY", "SOURCE", "SIZE", "LOCATION"]
    marked = [line.split()[0] for line in lines[1:] if " * " in line]
    assert marked == ["builtin-vae"]  # the shipped default (models/builtin-vae)


def test_info_shows_only_the_settings_the_builtin_model_used(tmp_path, capsys) -> None:
    out = tmp_path / "vae.png"
    argv = ["generate", "red potion", "--model", "builtin-vae", "--seed", "1", "-o", str(out)]
    assert main([*argv, "--device", "cpu"]) == 0
    capsys.readouterr()
    assert main(["info", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Seed: 1" in text and "Model: Built-in sprites (VAE)" in text
    assert not any(word in text for word in ("Steps:", "Sampler:", "CFG scale:"))
    assert main(["info", "--json", str(out)]) == 0
    params = json.loads(capsys.readouterr().out)["params"]
    assert {"Steps", "Sampler", "CFG scale"}.isdisjoint(params) and params["Seed"] == "1"


def test_transparent_native_without_the_files_names_them_in_one_line(
    tiny_sd_dir, tmp_path, capsys
) -> None:
    assert _generate(tiny_sd_dir, tmp_path / "x.png", "--transparent", "native") != 0
    line = one_error_line(capsys)
    assert "layer_sd15_transparent_attn.safetensors" in line and "studio models --add" in line
    assert not (tmp_path / "x.png").exists()


def test_transparent_matte_is_the_key_and_the_recipe_records_it(tiny_sd_dir, tmp_path) -> None:
    out = tmp_path / "m.png"
    assert _generate(tiny_sd_dir, out, "--seed", "2", "--transparent", "matte") == 0
    request = read_recipe(out).request
    assert request.transparent_background is True and request.transparent is None
