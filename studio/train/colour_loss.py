"""A differentiable colour histogram, so a training loss can ask for the caption's colours.

The VAE's reconstruction loss teaches the decoder colour through the posterior latent, which
has seen the image; at sampling time the latent comes from the prompt's prior instead. Matching
the colour histogram of a prior sample to that of the real image of the same caption trains
exactly the path users sample through. Pixels are softly assigned to the palette colours of the
caption vocabulary (:data:`studio.train.data.colours.PALETTE`), weighted by their alpha. A soft
assignment has almost no gradient for a pixel far from every wanted colour, so the loss also
matches the mean straight colour of the opaque area, whose gradient never vanishes.
"""

from __future__ import annotations

import torch

from studio.train.data.colours import COLOUR_WORDS, PALETTE

SOFTNESS = 0.01  # squared RGB distance (0-1 units) at which a prototype's weight falls by e
MIN_ALPHA = 0.1  # straight colour of fainter pixels is unreliable; they weigh little anyway


def _prototypes(device: torch.device, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    colours, words = [], []
    for word_index, word in enumerate(COLOUR_WORDS):
        for rgb in PALETTE[word]:
            colours.append([channel / 255.0 for channel in rgb])
            words.append(word_index)
    return (
        torch.tensor(colours, device=device, dtype=dtype),
        torch.tensor(words, device=device, dtype=torch.long),
    )


def _straight(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    unit = ((images + 1.0) / 2.0).clamp(0.0, 1.0)
    alpha = unit[:, 3:4]
    return (unit[:, :3] / alpha.clamp_min(MIN_ALPHA)).clamp(0.0, 1.0), alpha


def mean_opaque_colour(images: torch.Tensor) -> torch.Tensor:
    """``(B, 3)`` alpha-weighted mean straight RGB (0-1) of premultiplied RGBA images."""
    straight, alpha = _straight(images)
    total = (straight * alpha).sum(dim=(2, 3))
    return total / alpha.sum(dim=(1, 2, 3)).clamp_min(1e-6).unsqueeze(1)


def soft_colour_histogram(images: torch.Tensor, softness: float = SOFTNESS) -> torch.Tensor:
    """``(B, 12)`` share of each colour word in the opaque area of premultiplied RGBA images.

    Parameters
    ----------
    images
        ``(B, 4, S, S)`` premultiplied RGBA in [-1, 1] (model space).
    softness
        Temperature of the soft assignment of pixels to palette colours.

    Returns
    -------
    torch.Tensor
        Rows sum to 1 (an image without opaque pixels gives a row of zeros).
    """
    straight, alpha = _straight(images)
    prototypes, words = _prototypes(images.device, images.dtype)
    # (B, P, S, S): squared distance of every pixel to every prototype colour.
    distance = (straight.unsqueeze(1) - prototypes[None, :, :, None, None]).pow(2).sum(dim=2)
    weights = torch.softmax(-distance / softness, dim=1) * alpha
    per_prototype = weights.sum(dim=(2, 3))
    per_word = torch.zeros(
        images.shape[0], len(COLOUR_WORDS), device=images.device, dtype=images.dtype
    ).index_add(1, words, per_prototype)
    return per_word / alpha.sum(dim=(1, 2, 3)).clamp_min(1e-6).unsqueeze(1)


def colour_match_loss(generated: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """L1 distance between the colour histograms (0 to 2) of ``generated`` and ``real`` plus
    that between their mean opaque colours (0 to 3), averaged over the batch."""
    with torch.no_grad():
        target_histogram = soft_colour_histogram(real)
        target_mean = mean_opaque_colour(real)
    histogram = (soft_colour_histogram(generated) - target_histogram).abs().sum(dim=1)
    mean = (mean_opaque_colour(generated) - target_mean).abs().sum(dim=1)
    return (histogram + mean).mean()
