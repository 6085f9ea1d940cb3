"""The sampling half of the built-in VAE and GAN in numpy.

Mirrors :class:`studio.engine.builtin.layers.TextConditioner`, the VAE's ``_Prior`` and
:class:`studio.engine.builtin.decoder.SpriteDecoder` over the same state dict names, so a
folder trained by ``studio train`` runs here unchanged. Only what generation needs is loaded:
the VAE's image encoder stays on disk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.engine.builtin.configs import DecoderConfig, norm_groups
from studio.engine.builtin.numpy_runtime import ops

Weights = dict[str, np.ndarray]


@dataclass(frozen=True, eq=False)
class NumpyConditioning:
    """Text in a model's own space: ``context`` (B, L, C), ``mask`` (B, L), ``vector`` (B, D).

    ``reference`` is the retrieved sprite (B, 4, S, S) in model space, for a decoder with a
    reference path (``studio.engine.builtin.reference``); ``None`` otherwise.
    """

    context: np.ndarray
    mask: np.ndarray
    vector: np.ndarray
    reference: np.ndarray | None = None


def condition(
    w: Weights, tokens: np.ndarray, mask: np.ndarray, pooled: np.ndarray, drop: np.ndarray
) -> NumpyConditioning:
    """``TextConditioner.forward``: rows where ``drop`` is True become the learned null prompt."""
    tokens = tokens.copy()
    mask = mask.copy()
    pooled = pooled.copy()
    for row in np.flatnonzero(drop):
        tokens[row] = 0.0
        tokens[row, 0] = w["text.null_token"]
        mask[row] = False
        mask[row, 0] = True
        pooled[row] = w["text.null_pooled"]
    normed = ops.layer_norm(tokens, w["text.token_norm.weight"], w["text.token_norm.bias"], 1e-5)
    context = ops.linear(normed, w["text.token_proj.weight"], w["text.token_proj.bias"])
    hidden = ops.silu(_dense(w, "text.pooled_proj.0", pooled))
    return NumpyConditioning(context, mask, _dense(w, "text.pooled_proj.2", hidden))


def vae_prior(w: Weights, cond: NumpyConditioning) -> tuple[np.ndarray, np.ndarray]:
    """The VAE's p(z | text): attention-pooled tokens plus the sentence vector -> mean, logvar."""
    query = np.broadcast_to(
        w["prior.query"], (cond.context.shape[0], 1, w["prior.query"].shape[-1])
    )
    pooled = ops.attention(query, cond.context, cond.context, cond.mask[:, None, :])[:, 0]
    h = np.concatenate([pooled, cond.vector], axis=1)
    h = ops.silu(_dense(w, "prior.mlp.0", h))
    h = ops.silu(_dense(w, "prior.mlp.2", h))
    mean, logvar = np.split(_dense(w, "prior.mlp.4", h), 2, axis=1)
    return mean, np.clip(logvar, -8.0, 4.0)


def decode(
    w: Weights,
    prefix: str,
    config: DecoderConfig,
    z: np.ndarray,
    cond: NumpyConditioning,
    wrap: tuple[bool, bool] = (False, False),
    tanh: bool = False,
) -> np.ndarray:
    """``SpriteDecoder.forward`` with the weights under ``prefix`` ("decoder." or "generator.").

    ``tanh`` squashes the output to [-1, 1] (the GAN's generator); the VAE's is linear.
    """
    p = prefix
    emb = _dense(w, p + "emb.0", np.concatenate([z, cond.vector], axis=1))
    emb = _dense(w, p + "emb.2", ops.silu(emb))
    base = config.sample_size // 2 ** (len(config.channels) - 1)
    h = _dense(w, p + "to_grid", emb).reshape(-1, config.channels[0], base, base)
    added = _reference_features(w, p + "reference.", cond.reference, len(config.channels), wrap)
    for level in range(len(config.channels)):
        if added is not None:
            h = h + added[level]
        for index in range(config.blocks_per_level):
            h = _res_block(w, f"{p}levels.{level}.blocks.{index}.", h, emb, wrap)
            if config.cross_attention[level]:
                h = _cross_attention(w, f"{p}levels.{level}.attns.{index}.", h, cond, config.heads)
        if level < len(config.channels) - 1:
            h = ops.upsample_nearest_2x(h)
            h = ops.conv2d(
                h, w[f"{p}ups.{level}.conv.weight"], w[f"{p}ups.{level}.conv.bias"], wrap=wrap
            )
    h = ops.silu(_group_norm(w, p + "norm_out", h))
    out = ops.conv2d(h, w[p + "conv_out.weight"], w[p + "conv_out.bias"], wrap=wrap)
    return np.tanh(out) if tanh else out


def _reference_features(
    w: Weights, p: str, reference: np.ndarray | None, levels: int, wrap: tuple[bool, bool]
) -> list[np.ndarray] | None:
    """``ReferenceEncoder.forward``: per decoder level, coarsest first, features to add."""
    if reference is None or p + "stem.weight" not in w:
        return None
    h = ops.silu(ops.conv2d(reference, w[p + "stem.weight"], w[p + "stem.bias"], wrap=wrap))
    finest_first = []
    for level in range(levels):
        if level:
            h = ops.avg_pool_2x(h)
        conv = f"{p}convs.{level}."
        h = ops.silu(ops.conv2d(h, w[conv + "weight"], w[conv + "bias"], wrap=wrap))
        finest_first.append(h)
    return [
        ops.conv2d(features, w[f"{p}to_decoder.{level}.weight"], w[f"{p}to_decoder.{level}.bias"])
        for level, features in enumerate(reversed(finest_first))
    ]


def _dense(w: Weights, name: str, x: np.ndarray) -> np.ndarray:
    return ops.linear(x, w[name + ".weight"], w[name + ".bias"])


def _group_norm(w: Weights, name: str, x: np.ndarray) -> np.ndarray:
    return ops.group_norm(x, norm_groups(x.shape[1]), w[name + ".weight"], w[name + ".bias"])


def _res_block(
    w: Weights, p: str, x: np.ndarray, emb: np.ndarray, wrap: tuple[bool, bool]
) -> np.ndarray:
    h = ops.conv2d(
        ops.silu(_group_norm(w, p + "norm1", x)),
        w[p + "conv1.weight"],
        w[p + "conv1.bias"],
        wrap=wrap,
    )
    h = _group_norm(w, p + "norm2", h)
    if p + "film.weight" in w:
        scale, shift = np.split(_dense(w, p + "film", ops.silu(emb))[:, :, None, None], 2, axis=1)
        h = h * (1.0 + scale) + shift
    h = ops.conv2d(ops.silu(h), w[p + "conv2.weight"], w[p + "conv2.bias"], wrap=wrap)
    skip = (
        x if p + "skip.weight" not in w else ops.conv2d(x, w[p + "skip.weight"], w[p + "skip.bias"])
    )
    return skip + h


def _cross_attention(
    w: Weights, p: str, x: np.ndarray, cond: NumpyConditioning, heads: int
) -> np.ndarray:
    b, c, height, width = x.shape
    pixels = _group_norm(w, p + "norm", x).reshape(b, c, height * width).transpose(0, 2, 1)
    q = _dense(w, p + "to_q", pixels)
    k, v = np.split(_dense(w, p + "to_kv", cond.context), 2, axis=-1)

    def split(t: np.ndarray) -> np.ndarray:
        return t.reshape(b, t.shape[1], heads, c // heads).transpose(0, 2, 1, 3)

    out = ops.attention(split(q), split(k), split(v), cond.mask[:, None, None, :])
    out = out.transpose(0, 2, 1, 3).reshape(b, height * width, c)
    return x + _dense(w, p + "to_out", out).transpose(0, 2, 1).reshape(b, c, height, width)
