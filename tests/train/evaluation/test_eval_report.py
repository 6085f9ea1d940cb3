"""``studio eval`` end to end on a synthetic dataset with scriptable generation backends."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest
from PIL import Image

from studio.cli import eval as eval_cli
from studio.domain.errors import ModelNotFoundError
from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.domain.results import GeneratedImage
from studio.train.data import load_dataset
from studio.train.data.synthetic import write_synthetic_dataset
from studio.train.evaluation.report import evaluate_models, format_markdown, resolve_model, to_rgba


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    # Small batches gain nothing from threads; on a busy CI box they lose a lot to them.
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


class ScriptedBackend:
    """A GenerationBackend whose pictures come from a function of the request."""

    def __init__(self, name, draw):
        self.model = ModelInfo(
            name, name, ModelFamily.BUILTIN, ModelSource.BUILTIN, ModelFormat.BUILTIN
        )
        self.draw = draw
        self.requests = []
        self.unloaded = False

    def generate(self, request, on_progress, cancel):
        self.requests.append(request)
        yield GeneratedImage(request=request, pixels=self.draw(request))

    def unload(self):
        self.unloaded = True


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory):
    # One image per concept, so a caption names exactly one real image.
    return write_synthetic_dataset(tmp_path_factory.mktemp("eval") / "ds", n=36, size=64)


@pytest.fixture
def backends(dataset_dir):
    dataset = load_dataset(dataset_dir)
    by_caption = {
        item["caption"]: np.asarray(dataset.images[i]) for i, item in enumerate(dataset.items)
    }

    def noise(request):
        rng = np.random.default_rng(request.seed)
        return rng.integers(0, 256, (request.height, request.width, 3), dtype=np.uint8)

    return {
        "copy": ScriptedBackend("copy", lambda request: by_caption[request.prompt]),
        "noise": ScriptedBackend("noise", noise),
    }


@pytest.mark.slow  # EfficientNet-Lite0 at 224 px on the CPU takes a while
def test_a_perfect_model_beats_noise_and_matches_the_ceiling(dataset_dir, backends, tmp_path):
    rows = evaluate_models(
        dataset_dir,
        ["copy", "noise"],
        out_dir=tmp_path / "out",
        count=None,
        seed=5,
        device="cpu",
        load_backend=lambda model_id, device: backends[model_id],
        scorer_steps=60,
    )
    copy, noise = rows
    assert copy.fid < noise.fid
    assert copy.top1 == copy.ceiling_top1 and copy.top5 == copy.ceiling_top5
    assert copy.ceiling_top1 > 1 / copy.candidates
    assert noise.top1 < copy.top1
    held = len(load_dataset(dataset_dir).split_indices("heldout"))
    assert copy.count == held == len(backends["copy"].requests)
    assert [r.seed for r in backends["noise"].requests] == list(range(5, 5 + held))
    assert all(backend.unloaded for backend in backends.values())
    for row in rows:
        grid = Image.open(row.grid)
        assert grid.mode == "RGBA" and grid.width > 64
    assert (tmp_path / "out" / "real-grid.png").is_file()
    prompts = (tmp_path / "out" / "prompts.txt").read_text().splitlines()
    assert prompts == [r.prompt for r in backends["copy"].requests]
    assert "| copy |" in format_markdown(rows)
    as_json = json.loads(json.dumps([row.to_dict() for row in rows]))
    assert {"model", "fid", "top1", "top5", "ceiling_top1", "seconds_per_image"} <= set(as_json[0])


def _serve(monkeypatch, backends) -> None:
    """Make the evaluation load the fixture's backends by model id."""
    monkeypatch.setattr(
        "studio.train.evaluation.report.load_model_backend",
        lambda model_id, device: backends[model_id],
    )


def _eval_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio")
    eval_cli.COMMAND.register(parser.add_subparsers(dest="command"))
    return parser


@pytest.mark.slow
def test_eval_command_prints_a_table_and_writes_grids(
    dataset_dir, backends, tmp_path, monkeypatch, capsys
):
    _serve(monkeypatch, backends)
    parser = _eval_parser()
    grids = str(tmp_path / "grids")
    command = ["eval", "copy", "noise", "--data", str(dataset_dir), "--count", "4"]
    args = parser.parse_args([*command, "--out", grids, "--device", "cpu", "--scorer-steps", "60"])
    assert args.handler(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["model", "FID", "top-1", "top-5"] and "ceiling" in lines[0]
    assert lines[1].startswith("copy") and lines[2].startswith("noise")
    assert "4 held-out prompts" in lines[3]
    assert (tmp_path / "grids" / "copy-grid.png").is_file()
    assert (tmp_path / "grids" / "noise-grid.png").is_file()


def test_unknown_model_ids_and_folders_are_clear_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_BUILTIN_MODELS", str(tmp_path / "models"))
    with pytest.raises(ModelNotFoundError, match="No built-in model 'builtin-nope'"):
        resolve_model("builtin-nope")
    (tmp_path / "not-a-model").mkdir()
    with pytest.raises(ModelNotFoundError, match="not a built-in model folder"):
        resolve_model(str(tmp_path / "not-a-model"))


@pytest.mark.parametrize("count", ["1", "-3"])
def test_eval_command_refuses_counts_without_a_covariance(count, tmp_path):
    from studio.domain.errors import InvalidRequestError

    parser = _eval_parser()
    args = parser.parse_args(["eval", "m", "--data", str(tmp_path), "--count", count])
    with pytest.raises(InvalidRequestError, match="at least 2"):
        args.handler(args)


def test_generated_rgb_and_other_sizes_become_dataset_rgba():
    rgb = np.full((32, 32, 3), 200, dtype=np.uint8)
    out = to_rgba(rgb, 64)
    assert out.shape == (64, 64, 4) and (out[..., 3] == 255).all()


def test_eval_command_refuses_prompts_without_game(tmp_path):
    from studio.domain.errors import InvalidRequestError

    parser = _eval_parser()
    args = parser.parse_args(["eval", "m", "--data", str(tmp_path), "--prompts", "tuning"])
    with pytest.raises(InvalidRequestError, match=r"--prompts .* add --game"):
        args.handler(args)


@pytest.mark.slow  # EfficientNet-Lite0 judges a few hundred sprites
def test_eval_game_json_has_recognition_and_writes_its_sheet(
    dataset_dir, backends, tmp_path, monkeypatch, capsys
):
    _serve(monkeypatch, backends)
    parser = _eval_parser()
    out = tmp_path / "grids"
    command = ["eval", "noise", "--game", "--prompts", "tuning", "--json", "--device", "cpu"]
    args = parser.parse_args([*command, "--data", str(dataset_dir), "--out", str(out)])
    assert args.handler(args) == 0
    (row,) = json.loads(capsys.readouterr().out)
    recognition = row["recognition"]
    assert recognition["prompts"] == "tuning" and recognition["objects"] == 42
    assert recognition["chance"] == pytest.approx(1 / 42) and recognition["images"] == 84
    assert recognition["ceiling"] is None  # the synthetic set has no real icons of them
    assert (out / "noise-recognition-tuning.png").is_file()
    tuning = [r.prompt for r in backends["noise"].requests if r.prompt.endswith("pixel art")]
    assert "a blue potion bottle, pixel art" in tuning
