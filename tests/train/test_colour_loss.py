"""The colour-match loss names palette colours like the captions do and always has a gradient."""

from __future__ import annotations

import pytest
import torch

from studio.train.colour_loss import colour_match_loss, mean_opaque_colour, soft_colour_histogram
from studio.train.data.colours import COLOUR_WORDS, PALETTE


def _flat(rgb: tuple[int, int, int], alpha: float = 1.0) -> torch.Tensor:
    """An 8x8 premultiplied image of one colour in model space."""
    image = torch.empty(1, 4, 8, 8)
    for channel in range(3):
        image[0, channel] = rgb[channel] / 255.0 * alpha * 2.0 - 1.0
    image[0, 3] = alpha * 2.0 - 1.0
    return image


@pytest.mark.parametrize("word", COLOUR_WORDS)
def test_a_palette_colour_falls_in_its_own_word(word: str) -> None:
    histogram = soft_colour_histogram(_flat(PALETTE[word][0]))[0]
    assert COLOUR_WORDS[int(histogram.argmax())] == word
    assert float(histogram.sum()) == pytest.approx(1.0, abs=1e-5)


def test_transparent_pixels_have_no_colour_and_half_alpha_keeps_the_straight_colour() -> None:
    assert float(soft_colour_histogram(_flat((200, 40, 40), alpha=0.0)).sum()) == 0.0
    half = mean_opaque_colour(_flat((200, 40, 40), alpha=0.5))[0]
    assert torch.allclose(half, torch.tensor([200, 40, 40]) / 255.0, atol=1e-5)


def test_the_loss_is_zero_for_the_same_colours_and_pulls_far_colours() -> None:
    red = _flat(PALETTE["red"][0])
    assert float(colour_match_loss(red, red)) == pytest.approx(0.0, abs=1e-6)
    blue = _flat(PALETTE["blue"][0]).requires_grad_()
    loss = colour_match_loss(blue, red)
    loss.backward()
    assert float(loss.detach()) > 2.0
    assert float(blue.grad.abs().sum()) > 0.1  # the mean-colour term reaches a far-off pixel
