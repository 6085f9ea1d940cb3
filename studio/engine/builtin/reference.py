"""The retrieved reference sprite as the decoder sees it: features for every resolution.

Retrieval-augmented generation (Blattmann et al., 2022; Sheynin et al., "kNN-Diffusion", 2023)
with a decoder instead of a diffusion model: the prompt picks a few icons from a bank
(:mod:`.reference_bank`), one of them is encoded here, and its features are added to the
decoder's activations before each resolution's blocks. The shape comes from that memory; the
colour, the art style and the variation still come from the prompt and the latent.

The projections into the decoder start at zero (as ControlNet's "zero convolutions" do), so a
decoder fine-tuned with a reference path begins exactly where the plain decoder was.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812  (the PyTorch idiom)
from torch import nn


class ReferenceEncoder(nn.Module):
    """``(B, 4, S, S)`` reference in model space -> one feature map per decoder resolution.

    Parameters
    ----------
    channels
        The decoder's widths from the coarsest grid to full size; output ``i`` has
        ``channels[i]`` channels at ``S / 2 ** (len(channels) - 1 - i)`` pixels.
    width
        Width of the reference features before they are projected into the decoder.
    """

    def __init__(self, channels: tuple[int, ...], width: int) -> None:
        super().__init__()
        self.levels = len(channels)
        self.stem = nn.Conv2d(4, width, 3, padding=1)
        # Full size first, then one pooled-and-convolved map per coarser level.
        self.convs = nn.ModuleList(nn.Conv2d(width, width, 3, padding=1) for _ in channels)
        projections = [nn.Conv2d(width, c, 1) for c in channels]
        for projection in projections:
            nn.init.zeros_(projection.weight)
            if projection.bias is not None:
                nn.init.zeros_(projection.bias)
        self.to_decoder = nn.ModuleList(projections)

    def forward(self, reference: torch.Tensor) -> list[torch.Tensor]:
        """Per decoder level, coarsest first, the features to add to its activations."""
        h = F.silu(self.stem(reference))
        finest_first = []
        for level, conv in enumerate(self.convs):
            if level:
                h = F.avg_pool2d(h, 2)
            h = F.silu(conv(h))
            finest_first.append(h)
        coarsest_first = list(reversed(finest_first))
        return [
            projection(features)
            for projection, features in zip(self.to_decoder, coarsest_first, strict=True)
        ]
