"""Game-prompt figures: colour accuracy, seed diversity and alpha, on scripted backends."""

from __future__ import annotations

import numpy as np

from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.domain.results import GeneratedImage
from studio.train.data.colours import PALETTE
from studio.train.data.game_prompts import game_prompts
from studio.train.evaluation.game_metrics import (
    alpha_in_between,
    colour_accuracy,
    diversity_prompts,
    format_game_markdown,
    group_diversity,
    real_concept_groups,
    score_game_prompts,
)


class DrawingBackend:
    """Draws the prompt's colour word (or always grey) with a seed-dependent position."""

    def __init__(self, obey_colour: bool, vary_with_seed: bool, soft_alpha: bool = False):
        self.model = ModelInfo(
            "t", "t", ModelFamily.BUILTIN, ModelSource.BUILTIN, ModelFormat.BUILTIN
        )
        self.obey_colour, self.vary, self.soft = obey_colour, vary_with_seed, soft_alpha
        self.requests = []

    def generate(self, request, on_progress, cancel):
        self.requests.append(request)
        word = request.prompt.split()[1] if self.obey_colour else "grey"
        image = np.zeros((request.height, request.width, 4), np.uint8)
        shift = request.seed % 8 if self.vary else 0
        alpha = 128 if self.soft and request.alpha == "soft" else 255
        image[shift : shift + 8, 2:12] = (*PALETTE[word][0], alpha)
        yield GeneratedImage(request=request, pixels=image)

    def unload(self):
        pass


def _position_features(images: np.ndarray) -> np.ndarray:
    # Where the opaque pixels are, as a vector: differs exactly when the drawing moves.
    return (images[..., 3] > 0).reshape(len(images), -1).astype(np.float64) + 1e-3


def test_colour_accuracy_and_alpha_in_between_count_what_they_say() -> None:
    red = np.zeros((2, 8, 8, 4), np.uint8)
    red[:, 2:6, 2:6] = (*PALETTE["red"][0], 255)
    assert colour_accuracy(red, ["red", "blue"]) == 0.5
    red[0, 0, 0, 3] = 128  # one of 128 pixels half transparent
    assert alpha_in_between(red) == 1 / 128


def test_a_model_that_obeys_colours_and_seeds_scores_high_and_one_that_does_not_low() -> None:
    prompts = game_prompts()
    good, _ = score_game_prompts(
        DrawingBackend(True, True), "good", _position_features, 1.0, 16, seeds=4
    )
    bad, images = score_game_prompts(
        DrawingBackend(False, False, soft_alpha=True), "bad", _position_features, 1.0, 16, seeds=4
    )
    assert good.colour_accuracy == 1.0 and bad.colour_accuracy == 1 / 12  # grey prompts only
    assert good.seed_diversity > 0.5 and bad.seed_diversity == 0.0
    assert good.alpha_in_between == 0.0 and bad.alpha_in_between > 0.2
    assert good.prompts == len(prompts) == len(images)
    table = format_game_markdown([good, bad])
    assert "| good | 1.00 |" in table and "| bad | 0.08 |" in table


def test_crisp_alpha_is_requested_from_the_backend() -> None:
    backend = DrawingBackend(True, True, soft_alpha=True)
    scores, _ = score_game_prompts(
        backend, "m", _position_features, 1.0, 16, seeds=2, alpha="crisp"
    )
    assert scores.alpha_in_between == 0.0
    assert {r.alpha for r in backend.requests} == {"crisp"}


def test_diversity_groups_and_prompts() -> None:
    features = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    assert np.isclose(group_diversity(features, [[0, 1], [2, 3]]), np.sqrt(2) / 2)
    items = [
        {"concept": "apple", "key": "a:1"},
        {"concept": "apple", "key": "b:1"},
        {"concept": "apple", "key": "b:1#hue90"},  # copies are not real images of the concept
        {"concept": "pear", "key": "a:2"},
    ]
    assert real_concept_groups(items, np.arange(4)) == [[0, 1]]
    assert len(diversity_prompts(game_prompts())) == 12
