"""Prompt encoding without silent truncation (RELIABILITY 13).

CLIP sees 77 tokens: a start token, 75 of text, an end token. Longer prompts are split into
75-token chunks, each encoded on its own and concatenated along the sequence, as AUTOMATIC1111
does; the negative prompt is padded with empty chunks to the same count (classifier-free
guidance needs equal shapes). SDXL's pooled embedding comes from the first chunk. A prompt of
75 tokens or fewer encodes exactly as diffusers' own ``encode_prompt`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

CHUNK_TOKENS = 75
CONTEXT_TOKENS = CHUNK_TOKENS + 2


def sanitize_prompt(text: str) -> str:
    """Make any text encodable: lone surrogates become '?', NUL becomes a space."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")


def token_chunks(tokenizer: Any, text: str) -> list[list[int]]:
    """Token ids of ``text`` (no start/end tokens) in chunks of at most 75; ``[[]]`` if empty."""
    ids = tokenizer(sanitize_prompt(text), add_special_tokens=False, verbose=False)["input_ids"]
    chunks = [ids[i : i + CHUNK_TOKENS] for i in range(0, len(ids), CHUNK_TOKENS)]
    return chunks or [[]]


def chunk_tensor(tokenizer: Any, chunks: list[list[int]], count: int) -> torch.Tensor:
    """``(count, 77)`` ids: each chunk framed by start/end tokens, padded; missing chunks empty."""
    import torch

    padded = chunks + [[] for _ in range(count - len(chunks))]
    pad_id = (
        tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    )
    rows = []
    for chunk in padded:
        row = [tokenizer.bos_token_id, *chunk, tokenizer.eos_token_id]
        rows.append(row + [pad_id] * (CONTEXT_TOKENS - len(row)))
    return torch.tensor(rows, dtype=torch.long)


@dataclass(frozen=True, eq=False)
class PromptEmbeddings:
    """Keyword arguments for a pipeline call, plus how many chunks the prompt needed."""

    kwargs: dict[str, Any]
    chunks: int


def encode_prompts(pipe: Any, prompt: str, negative: str, guidance: bool) -> PromptEmbeddings:
    """Encode ``prompt`` and ``negative`` for an SD or SDXL pipeline.

    Parameters
    ----------
    pipe
        A loaded ``StableDiffusion[XL][Img2Img]Pipeline``.
    prompt, negative
        Any text; nothing is cut.
    guidance
        Whether classifier-free guidance runs (CFG > 1); the negative is encoded only then.
    """
    import torch

    with torch.no_grad():
        if getattr(pipe, "text_encoder_2", None) is not None:
            return _encode_sdxl(pipe, prompt, negative, guidance)
        return _encode_sd(pipe, prompt, negative, guidance)


def _chunk_counts(pipe: Any, tokenizers: list[Any], prompt: str, negative: str, guidance: bool):
    # A multi-vector embedding's name stands for its tokens NAME NAME_1 ...: diffusers expands it.
    convert = getattr(pipe, "maybe_convert_prompt", lambda text, _tokenizer: text)
    prompt, negative = sanitize_prompt(prompt), sanitize_prompt(negative)
    positive = [token_chunks(t, convert(prompt, t)) for t in tokenizers]
    negatives = (
        [token_chunks(t, convert(negative, t)) for t in tokenizers]
        if guidance
        else [[[]]] * len(tokenizers)
    )
    count = max(len(c) for c in positive + negatives)
    return positive, negatives, count


def _encode_sd(pipe: Any, prompt: str, negative: str, guidance: bool) -> PromptEmbeddings:
    tokenizer, encoder = pipe.tokenizer, pipe.text_encoder
    (positive,), (negatives,), count = _chunk_counts(pipe, [tokenizer], prompt, negative, guidance)
    kwargs = {"prompt_embeds": _run_clip(encoder, chunk_tensor(tokenizer, positive, count))}
    if guidance:
        kwargs["negative_prompt_embeds"] = _run_clip(
            encoder, chunk_tensor(tokenizer, negatives, count)
        )
    return PromptEmbeddings(kwargs, count)


def _run_clip(encoder: Any, ids: torch.Tensor) -> torch.Tensor:
    hidden = encoder(ids.to(encoder.device))[0]  # (chunks, 77, dim), final layer norm applied
    return hidden.reshape(1, -1, hidden.shape[-1]).to(encoder.dtype)


def _encode_sdxl(pipe: Any, prompt: str, negative: str, guidance: bool) -> PromptEmbeddings:
    import torch

    tokenizers = [pipe.tokenizer, pipe.tokenizer_2]
    encoders = [pipe.text_encoder, pipe.text_encoder_2]
    positive, negatives, count = _chunk_counts(pipe, tokenizers, prompt, negative, guidance)
    embeds, pooled = _run_sdxl(tokenizers, encoders, positive, count)
    kwargs = {"prompt_embeds": embeds, "pooled_prompt_embeds": pooled}
    if guidance:
        # diffusers' SDXL default: an empty negative means "no conditioning", i.e. zeros.
        if not negative.strip() and pipe.config.get("force_zeros_for_empty_prompt", False):
            kwargs["negative_prompt_embeds"] = torch.zeros_like(embeds)
            kwargs["negative_pooled_prompt_embeds"] = torch.zeros_like(pooled)
        else:
            neg_embeds, neg_pooled = _run_sdxl(tokenizers, encoders, negatives, count)
            kwargs["negative_prompt_embeds"] = neg_embeds
            kwargs["negative_pooled_prompt_embeds"] = neg_pooled
    return PromptEmbeddings(kwargs, count)


def _run_sdxl(
    tokenizers: list[Any], encoders: list[Any], chunks: list[list[list[int]]], count: int
) -> tuple[torch.Tensor, torch.Tensor]:
    import torch

    per_encoder = []
    pooled = None
    for tokenizer, encoder, encoder_chunks in zip(tokenizers, encoders, chunks, strict=True):
        ids = chunk_tensor(tokenizer, encoder_chunks, count).to(encoder.device)
        output = encoder(ids, output_hidden_states=True)
        if output[0].ndim == 2:  # the projection encoder's pooled text embedding
            pooled = output[0][:1]
        per_encoder.append(output.hidden_states[-2])  # SDXL conditions on the penultimate layer
    dtype = encoders[-1].dtype
    hidden = torch.cat(per_encoder, dim=-1)
    embeds = hidden.reshape(1, -1, hidden.shape[-1]).to(dtype)
    assert pooled is not None, "SDXL's second text encoder gives the pooled embedding"
    return embeds, pooled.to(dtype)
