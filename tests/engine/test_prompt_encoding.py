"""Long prompts are chunked, never silently cut; odd text never raises (RELIABILITY 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from studio.engine.sd.prompt_encoding import encode_prompts, sanitize_prompt, token_chunks

LONG_PROMPT = ", ".join(f"detail number {i}" for i in range(60))  # about 180 tokens
ODD_PROMPTS = [
    "",
    "😀" * 200,
    "שלום עולם مرحبا بالعالم",
    "nul\x00in the middle",
    "lone \ud800 surrogate \udfff",
    "!" * 300,
    "\n\t  ",
]


@pytest.fixture(scope="module")
def sdxl_pipe(tiny_sdxl_dir: Path):
    from diffusers import StableDiffusionXLPipeline

    return StableDiffusionXLPipeline.from_pretrained(tiny_sdxl_dir, local_files_only=True)


def test_sanitize_removes_what_tokenizers_choke_on() -> None:
    assert sanitize_prompt("a\x00b\ud800c") == "a b?c"


def test_long_prompt_is_split_into_75_token_chunks(sd1_backend) -> None:
    chunks = token_chunks(sd1_backend.pipeline.tokenizer, LONG_PROMPT)
    assert len(chunks) >= 3 and all(len(c) <= 75 for c in chunks)
    assert sum(len(c) for c in chunks) > 150


def test_long_prompt_embeddings_exceed_77_and_negative_matches(sd1_backend) -> None:
    encoded = encode_prompts(sd1_backend.pipeline, LONG_PROMPT, "blurry", guidance=True)
    positive = encoded.kwargs["prompt_embeds"]
    negative = encoded.kwargs["negative_prompt_embeds"]
    assert positive.shape[1] == 77 * encoded.chunks > 77
    assert negative.shape == positive.shape


def test_later_chunks_change_the_embedding(sd1_backend) -> None:
    """Words past token 75 must reach the model (the old behaviour dropped them)."""
    base = LONG_PROMPT
    changed = LONG_PROMPT + ", wearing a purple hat"
    a = encode_prompts(sd1_backend.pipeline, base, "", guidance=False).kwargs["prompt_embeds"]
    b = encode_prompts(sd1_backend.pipeline, changed, "", guidance=False).kwargs["prompt_embeds"]
    assert a.shape == b.shape and not torch.equal(a, b)


def test_short_prompt_encodes_exactly_like_diffusers(sd1_backend) -> None:
    pipe = sd1_backend.pipeline
    ours = encode_prompts(pipe, "a red fox", "blurry", guidance=True).kwargs
    theirs = pipe.encode_prompt("a red fox", "cpu", 1, True, "blurry")
    assert torch.equal(ours["prompt_embeds"], theirs[0])
    assert torch.equal(ours["negative_prompt_embeds"], theirs[1])


def test_sdxl_chunks_both_encoders_and_pools_the_first_chunk(sdxl_pipe) -> None:
    encoded = encode_prompts(sdxl_pipe, LONG_PROMPT, "", guidance=True)
    kwargs = encoded.kwargs
    assert kwargs["prompt_embeds"].shape == (1, 77 * encoded.chunks, 32 + 64)
    assert kwargs["pooled_prompt_embeds"].shape == (1, 64)
    # An empty negative is zeros for SDXL (force_zeros_for_empty_prompt), like diffusers.
    assert not kwargs["negative_prompt_embeds"].any()
    assert kwargs["negative_prompt_embeds"].shape == kwargs["prompt_embeds"].shape


def test_sdxl_short_prompt_matches_diffusers(sdxl_pipe) -> None:
    ours = encode_prompts(sdxl_pipe, "a castle", "fog", guidance=True).kwargs
    theirs = sdxl_pipe.encode_prompt("a castle", device="cpu", negative_prompt="fog")
    assert torch.equal(ours["prompt_embeds"], theirs[0])
    assert torch.equal(ours["negative_prompt_embeds"], theirs[1])
    assert torch.equal(ours["pooled_prompt_embeds"], theirs[2])
    assert torch.equal(ours["negative_pooled_prompt_embeds"], theirs[3])


@pytest.mark.parametrize("prompt", ODD_PROMPTS)
def test_odd_prompts_encode(sd1_backend, sdxl_pipe, prompt: str) -> None:
    for pipe in (sd1_backend.pipeline, sdxl_pipe):
        encoded = encode_prompts(pipe, prompt, prompt, guidance=True)
        assert torch.isfinite(encoded.kwargs["prompt_embeds"]).all()
