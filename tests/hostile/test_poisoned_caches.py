"""Poisoned model caches and folders: one bad entry never breaks the others, nor lies.

Issue 10, defects 4, 5 and 7: deeply nested JSON in the Hugging Face cache crashed every
``studio generate`` and ``studio models``; a bad manifest beside the built-in folder hid it; a
copy of builtin-vae with truncated weights was silently swapped for the shipped model; and a
failed folder load printed a traceback (one passing on torch's ``weights_only=False`` advice).
"""

from __future__ import annotations

import contextlib
import shutil
import struct
from pathlib import Path

import pytest

from studio.cli import main
from studio.domain.errors import DamagedModelError, ModelLoadError
from studio.engine.registry import ModelRegistry
from studio.engine.resources import builtin_models_dir
from studio.engine.safe_load import read_safetensors_header
from studio.project.settings import save_engine_settings
from tests.hostile.conftest import settings_for

pytestmark = pytest.mark.timeout(120)

DEEP = "[" * 200_000 + "]" * 200_000


def messages(err: str) -> list[str]:
    """The lines of stderr that are messages (progress bars, redrawn with \\r, left out)."""
    return [
        segment
        for line in err.splitlines()
        for segment in line.split("\r")
        if segment.startswith("studio ")
    ]


def _snapshot(cache: Path, repo: str, source: Path) -> Path:
    """Lay ``source`` out as the hub cache does: models--org--name/snapshots/<rev>, refs/main."""
    root = cache / f"models--{repo.replace('/', '--')}"
    snapshot = root / "snapshots" / "0123456789abcdef"
    shutil.copytree(source, snapshot)
    (root / "refs").mkdir(parents=True)
    (root / "refs" / "main").write_text("0123456789abcdef")
    (root / "blobs").mkdir()
    return snapshot


@pytest.fixture
def poisoned_cache(tmp_path, tiny_sd1_dir) -> Path:
    cache = tmp_path / "hf-cache"
    _snapshot(cache, "good/tiny-sd1", tiny_sd1_dir)
    (_snapshot(cache, "evil/deep-index", tiny_sd1_dir) / "model_index.json").write_text(DEEP)
    (_snapshot(cache, "evil/deep-unet", tiny_sd1_dir) / "unet" / "config.json").write_text(DEEP)
    manifest = _snapshot(cache, "evil/deep-manifest", tiny_sd1_dir) / "studio_model.json"
    manifest.write_text(DEEP)
    return cache


def test_deep_json_in_the_cache_is_skipped_and_the_rest_listed(poisoned_cache, tmp_path) -> None:
    registry = ModelRegistry(settings_for(builtin_dir=tmp_path / "none", hf_cache=poisoned_cache))
    listed = {m.id for m in registry.models()}
    assert "good/tiny-sd1" in listed
    assert "evil/deep-index" not in listed


def test_generate_and_models_work_beside_a_poisoned_cache(poisoned_cache, tmp_path, capsys) -> None:
    settings = settings_for(builtin_dir=builtin_models_dir(), hf_cache=poisoned_cache)
    save_engine_settings(settings)
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "good/tiny-sd1" in out and "builtin-vae" in out
    target = tmp_path / "vae.png"
    code = main(["generate", "a red gem", "--model", "builtin-vae", "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err and "error" not in err
    assert target.exists()


def test_deep_json_in_a_safetensors_header_is_damaged(tmp_path) -> None:
    path = tmp_path / "deep.safetensors"
    body = DEEP.encode()
    path.write_bytes(struct.pack("<Q", len(body)) + body)
    with pytest.raises(DamagedModelError) as refused:
        read_safetensors_header(path)
    assert str(refused.value) == (
        "deep.safetensors is damaged or incomplete (the header is not valid JSON): "
        "download it again."
    )


def test_a_header_with_a_million_entries_is_refused_before_parsing(tmp_path) -> None:
    entry = '"t%d":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}'
    body = ("{" + ",".join(entry % i for i in range(1_000_000)) + "}").encode()
    path = tmp_path / "wide.safetensors"
    path.write_bytes(struct.pack("<Q", len(body)) + body)
    with pytest.raises(DamagedModelError) as refused:
        read_safetensors_header(path)
    assert str(refused.value) == (
        "wide.safetensors is damaged or incomplete (the header lists more than 50,000 "
        "tensors): download it again."
    )


@pytest.mark.parametrize("manifest", [DEEP, '{"family": "vae", "image_size": "huge"}', "{"])
def test_a_bad_manifest_beside_the_builtin_folder_hides_nothing(tmp_path, manifest) -> None:
    models = tmp_path / "models"
    shutil.copytree(builtin_models_dir() / "builtin-vae", models / "builtin-vae")
    bad = models / "a-broken-one"
    shutil.copytree(builtin_models_dir() / "builtin-vae", bad)
    (bad / "studio_model.json").write_text(manifest)
    registry = ModelRegistry(settings_for(builtin_dir=models))
    assert [m.id for m in registry.models()] == ["builtin-vae"]


def test_a_builtin_format_copy_is_never_swapped_for_the_shipped_model(tmp_path, capsys) -> None:
    copy = tmp_path / "mine" / "builtin-vae"
    shutil.copytree(builtin_models_dir() / "builtin-vae", copy)
    weights = copy / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    registry = ModelRegistry(settings_for(builtin_dir=builtin_models_dir()))
    info = registry.inspect_path(copy)
    assert (info.id, info.location) == (str(copy), str(copy))
    assert registry.resolve(str(copy)).location == str(copy)
    target = tmp_path / "out.png"
    code = main(["generate", "a gem", "--model", str(copy), "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 1
    (line,) = messages(err)
    assert line.startswith(f"studio generate: error: model.safetensors in {copy} is damaged")
    assert not target.exists()


def test_a_failed_folder_load_prints_one_line_and_never_weights_only_advice(
    tmp_path, tiny_sd1_dir, capfd
) -> None:
    import torch

    folder = Path(shutil.copytree(tiny_sd1_dir, tmp_path / "pickled"))
    for weights in (folder / "unet").glob("diffusion_pytorch_model.*"):
        weights.unlink()

    class Payload:
        # exec, not print: once Ray has been imported in this process, builtins.print is Ray's.
        def __reduce__(self):
            return (exec, ("print('CODE RAN')",))

    torch.save({"x": Payload()}, folder / "unet" / "diffusion_pytorch_model.bin")
    code = main(["generate", "x", "--model", str(folder), "-o", str(tmp_path / "o.png")])
    captured = capfd.readouterr()
    assert code == 1
    assert messages(captured.err) == [
        "studio generate: error: pickled contains code (__builtin__.exec) and was not loaded: "
        "convert it to .safetensors or use a .safetensors download of the same model."
    ]
    assert "Traceback" not in captured.err and "weights_only" not in captured.err
    assert "CODE RAN" not in captured.out + captured.err


def test_a_folder_whose_unet_config_nests_without_end_is_one_line(
    tmp_path, tiny_sd1_dir, capsys
) -> None:
    folder = Path(shutil.copytree(tiny_sd1_dir, tmp_path / "deep"))
    (folder / "unet" / "config.json").write_text(DEEP)
    registry = ModelRegistry(settings_for(builtin_dir=tmp_path / "none"))
    with contextlib.suppress(ModelLoadError):
        registry.inspect_path(folder)
    code = main(["generate", "x", "--model", str(folder), "-o", str(tmp_path / "o.png")])
    err = capsys.readouterr().err
    (line,) = messages(err)
    assert code == 1 and "Traceback" not in err
    assert line.startswith("studio generate: error: deep could not be loaded")


def test_library_logs_never_reach_a_stream_that_has_closed(tmp_path, tiny_sd1_dir, capfd) -> None:
    # diffusers and transformers bind stderr when first imported; in a process whose stderr
    # has since been swapped and closed (a finished pytest capture, a redirected terminal),
    # their next warning made logging print "--- Logging error ---" and a stack (seen in CI).
    import io
    import logging

    import diffusers  # noqa: F401  (creates the library's default stderr handler)

    closed = io.StringIO()
    closed.close()
    for handler in logging.getLogger("diffusers").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(closed)
    folder = Path(shutil.copytree(tiny_sd1_dir, tmp_path / "no-unet"))
    for weights in (folder / "unet").glob("diffusion_pytorch_model.*"):
        weights.unlink()  # diffusers logs an error while it looks for the weights
    code = main(["generate", "x", "--model", str(folder), "-o", str(tmp_path / "o.png")])
    captured = capfd.readouterr()
    assert code == 1
    assert "Logging error" not in captured.err and "Traceback" not in captured.err
    assert len(messages(captured.err)) == 1
