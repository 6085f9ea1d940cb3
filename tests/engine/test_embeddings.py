"""Textual-inversion embeddings named in a prompt, on warm tiny SD 1.x and SDXL models."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from studio.domain.errors import ModelLoadError
from studio.domain.settings import EngineSettings
from studio.engine.sd.embeddings import named_embeddings
from tests.engine.addon_files import (
    a1111_embedding_pt,
    a1111_embedding_safetensors,
    kohya_lora,
    save_safetensors,
    sdxl_embedding,
)
from tests.engine.helpers import run_all, tiny_request


def _load(model_dir: Path, root: Path):
    import torch

    from studio.engine.registry import ModelRegistry
    from studio.engine.sd.diffusers_backend import load_diffusers_backend

    info = ModelRegistry(EngineSettings(scan_hf_cache=False)).inspect_path(model_dir)
    return load_diffusers_backend(
        info, torch.device("cpu"), torch.float32, addon_index=_registry_of(root)
    )


@pytest.fixture(scope="module")
def sd1(tiny_sd1_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("comfy")
    backend = _load(tiny_sd1_dir, root)
    width = backend.pipeline.text_encoder.get_input_embeddings().weight.shape[-1]
    a1111_embedding_pt(root / "models" / "embeddings" / "pixelneg.pt", width)
    a1111_embedding_safetensors(root / "models" / "embeddings" / "dither.safetensors", width)
    sdxl_embedding(root / "models" / "embeddings" / "xl-only.safetensors", width, 64)
    yield backend, root / "models" / "embeddings"
    backend.unload()


def _pixels(backend, prompt: str, negative: str = "") -> np.ndarray:
    (image,) = run_all(backend, tiny_request(prompt=prompt, negative_prompt=negative, steps=2))
    return image.pixels


def test_only_names_that_are_words_of_the_prompt_count() -> None:
    available = {"pixelneg": Path("a.pt"), "dither": Path("b.pt"), "fox": Path("c.pt")}

    named = named_embeddings(["a (pixelneg:1.2), foxes", "bad, dither"], available)

    assert named == {"pixelneg": Path("a.pt"), "dither": Path("b.pt")}


def test_a1111_pt_and_safetensors_embeddings_load_only_when_named(sd1) -> None:
    backend, folder = sd1
    tokenizer = backend.pipeline.tokenizer
    vocabulary = len(tokenizer)
    plain = _pixels(backend, "a fox")

    (image,) = run_all(
        backend, tiny_request(prompt="a fox dither", negative_prompt="pixelneg", steps=2)
    )

    assert sorted(backend.addons.embeddings.names) == ["dither", "pixelneg"]
    assert len(tokenizer) == vocabulary + 3  # a two-vector and a one-vector embedding
    assert not np.array_equal(image.pixels, plain)
    hashes = {
        name: hashlib.sha256((folder / file).read_bytes()).hexdigest()[:12]
        for name, file in (("pixelneg", "pixelneg.pt"), ("dither", "dither.safetensors"))
    }
    assert image.extra["TI hashes"] == (  # in file-name order
        f"dither: {hashes['dither']}, pixelneg: {hashes['pixelneg']}"
    )
    assert np.array_equal(_pixels(backend, "a fox"), plain)
    assert len(tokenizer) == vocabulary
    assert backend.addons.embeddings.names == []


def test_an_sdxl_embedding_on_sd1_is_one_line(sd1) -> None:
    backend, _ = sd1

    with pytest.raises(ModelLoadError, match=r"xl-only is made for SDXL text encoders"):
        _pixels(backend, "a fox xl-only")


def test_an_embedding_pickle_with_code_is_refused(sd1) -> None:
    backend, folder = sd1
    (folder / "evil.pt").write_bytes(
        b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94."
    )

    backend.addons.index.refresh()  # a rescan, as File > Add Model Folder or a restart does

    try:
        _pixels(backend, "a fox evil")  # "evil" stays a word: the file is never loaded
        problems = backend.addons.index.problems()
        assert any("evil.pt" in line and "contains code" in line for line in problems), problems
        assert backend.addons.embeddings.names == []
    finally:
        (folder / "evil.pt").unlink()


@pytest.mark.slow
def test_sdxl_lora_and_two_encoder_embedding(tiny_sdxl_dir: Path, tmp_path: Path) -> None:
    backend = _load(tiny_sdxl_dir, tmp_path)
    try:
        pipe = backend.pipeline
        widths = [
            e.get_input_embeddings().weight.shape[-1]
            for e in (pipe.text_encoder, pipe.text_encoder_2)
        ]
        sdxl_embedding(tmp_path / "embeddings" / "xlstyle.safetensors", *widths)
        components = {
            "lora_unet_": pipe.unet,
            "lora_te1_": pipe.text_encoder,
            "lora_te2_": pipe.text_encoder_2,
        }
        save_safetensors(kohya_lora(components), tmp_path / "Lora" / "xl.safetensors")
        plain = _pixels(backend, "a fox")

        styled = _pixels(backend, "a fox <lora:xl:0.8>")
        embedded = _pixels(backend, "a fox xlstyle")

        assert not np.array_equal(styled, plain)
        assert not np.array_equal(embedded, plain)
        assert len(pipe.tokenizer_2) == len(pipe.tokenizer)
        assert np.array_equal(_pixels(backend, "a fox"), plain)
    finally:
        backend.unload()


def test_an_embedding_named_like_a_word_piece_is_one_line(sd1) -> None:
    backend, folder = sd1
    width = backend.pipeline.text_encoder.get_input_embeddings().weight.shape[-1]
    a1111_embedding_safetensors(folder / "ing.safetensors", width)
    backend.addons.index.refresh()  # a rescan, as File > Add Model Folder or a restart does
    vocabulary = len(backend.pipeline.tokenizer)

    try:
        with pytest.raises(ModelLoadError, match="rename the file"):
            _pixels(backend, "a fox ing")
    finally:
        (folder / "ing.safetensors").unlink()
    assert len(backend.pipeline.tokenizer) == vocabulary
    assert backend.addons.embeddings.names == []


def _registry_of(folder: Path):
    """The registry of a session that added ``folder`` (read lazily: files made later count)."""
    from studio.engine.registry import ModelRegistry

    return ModelRegistry(EngineSettings(model_paths=(str(folder),), scan_hf_cache=False))
