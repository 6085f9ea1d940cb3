"""What a game artist sees: colour obeyed, every seed different, alpha without a halo.

Measured on the held-out game prompts of :mod:`studio.train.data.game_prompts`:

- colour accuracy: share of images whose dominant opaque colour word (the captions' own
  namer, :func:`~studio.train.data.colours.dominant_hue_word`) is the prompt's colour word;
- seed diversity: mean pairwise distance between unit-normalised EfficientNet-Lite0 features
  of the images that several seeds give for one prompt, next to the same figure for real
  images of one concept (different art sets drawing the same emoji);
- alpha in-between: share of all pixels with 0.05 < alpha < 0.95;
- recognition: share of sprites of the recognition prompts (tuning or held-out set, see
  :mod:`studio.train.data.recognition_prompts`) that an ImageNet classifier restricted to the
  prompts' objects reads as the object asked for, beside chance and the same figure on real
  icons (:mod:`studio.train.evaluation.recognition`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from itertools import combinations
from typing import Any

import numpy as np

from studio.train.data.colours import dominant_hue_word
from studio.train.data.game_prompts import GamePrompt, game_prompts
from studio.train.evaluation.recognition import Recognition
from studio.train.evaluation.sampling import generate_prompt_images
from studio.train.markdown import markdown_table

DIVERSITY_SEEDS = 8
ALPHA_LOW, ALPHA_HIGH = 0.05, 0.95
Features = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class GameScores:
    """One model's figures on the game prompts (fractions in 0..1, distances >= 0)."""

    model: str
    colour_accuracy: float
    seed_diversity: float
    real_diversity: float
    alpha_in_between: float
    prompts: int
    seeds: int
    recognition: Recognition | None = None

    @property
    def diversity_ratio(self) -> float:
        """Seed diversity as a share of the real images' (the target is at least one half)."""
        return self.seed_diversity / self.real_diversity if self.real_diversity > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "diversity_ratio": self.diversity_ratio}


def colour_accuracy(images: np.ndarray, colours: Sequence[str]) -> float:
    """Share of ``images`` (uint8 RGBA) whose dominant opaque colour is ``colours[i]``."""
    if len(images) == 0:
        return 0.0
    hits = [
        dominant_hue_word(image) == colour for image, colour in zip(images, colours, strict=True)
    ]
    return float(np.mean(hits))


def alpha_in_between(images: np.ndarray) -> float:
    """Share of all pixels whose alpha is strictly between 0.05 and 0.95."""
    alpha = np.asarray(images)[..., 3].astype(np.float64) / 255.0
    return float(((alpha > ALPHA_LOW) & (alpha < ALPHA_HIGH)).mean()) if alpha.size else 0.0


def mean_pairwise_distance(features: np.ndarray) -> float:
    """Mean Euclidean distance between the unit-normalised rows of ``features``."""
    unit = features / np.maximum(np.linalg.norm(features, axis=1, keepdims=True), 1e-12)
    pairs = list(combinations(range(len(unit)), 2))
    if not pairs:
        return 0.0
    return float(np.mean([np.linalg.norm(unit[i] - unit[j]) for i, j in pairs]))


def group_diversity(features: np.ndarray, groups: Sequence[Sequence[int]]) -> float:
    """Mean over ``groups`` (row lists of one prompt or concept) of their pairwise distance."""
    values = [mean_pairwise_distance(features[list(rows)]) for rows in groups if len(rows) > 1]
    return float(np.mean(values)) if values else 0.0


def real_concept_groups(items: Sequence[dict[str, Any]], rows: np.ndarray, size: int = 4):
    """Row groups of real images sharing a concept (augmented copies left out), ``size`` each.

    Only concepts with at least two original images count; each gives its first ``size``.
    """
    by_concept: dict[str, list[int]] = {}
    for row in rows:
        item = items[int(row)]
        if "#" not in item["key"]:
            by_concept.setdefault(item["concept"], []).append(int(row))
    return [members[:size] for _, members in sorted(by_concept.items()) if len(members) > 1]


def diversity_prompts(prompts: Sequence[GamePrompt]) -> list[GamePrompt]:
    """One prompt per object (the first colour/style it comes in) for the seed sweep."""
    seen: dict[str, GamePrompt] = {}
    for prompt in prompts:
        seen.setdefault(prompt.object, prompt)
    return list(seen.values())


def score_game_prompts(
    backend,
    model_id: str,
    features: Features,
    real_diversity: float,
    size: int,
    *,
    seed: int = 0,
    seeds: int = DIVERSITY_SEEDS,
    alpha: str = "soft",
    prompts: Sequence[GamePrompt] | None = None,
) -> tuple[GameScores, np.ndarray]:
    """Colour accuracy and alpha over every game prompt (prompt ``i`` with seed ``seed + i``),
    seed diversity over ``seeds`` seeds of one prompt per object.

    Returns
    -------
    tuple
        The scores and the images of the colour pass (for the grid).
    """
    prompts = list(prompts) if prompts is not None else game_prompts()
    texts = [p.text for p in prompts]
    images = generate_prompt_images(
        backend, model_id, texts, [seed + i for i in range(len(texts))], size, alpha
    )
    sweep = diversity_prompts(prompts)
    sweep_texts = [p.text for p in sweep for _ in range(seeds)]
    sweep_seeds = [seed + k for _ in sweep for k in range(seeds)]
    sweep_images = generate_prompt_images(backend, model_id, sweep_texts, sweep_seeds, size, alpha)
    groups = [list(range(g * seeds, (g + 1) * seeds)) for g in range(len(sweep))]
    scores = GameScores(
        model=model_id,
        colour_accuracy=colour_accuracy(images, [p.colour for p in prompts]),
        seed_diversity=group_diversity(features(sweep_images), groups),
        real_diversity=real_diversity,
        alpha_in_between=alpha_in_between(np.concatenate([images, sweep_images])),
        prompts=len(prompts),
        seeds=seeds,
    )
    return scores, images


REAL_GROUPS = 64


def real_diversity(dataset, features: Features, groups: int = REAL_GROUPS) -> float:
    """Seed-diversity figure of real images: concepts drawn by several art sets.

    ``groups`` concepts spread over the dataset (held-out and training rows alike: the figure
    describes the data, not a model) with up to four original images each.
    """
    rows = np.arange(len(dataset.items))
    found = real_concept_groups(dataset.items, rows)
    if not found:
        return 0.0
    picks = [
        found[i * len(found) // min(groups, len(found))] for i in range(min(groups, len(found)))
    ]
    flat = [row for group in picks for row in group]
    vectors = features(np.asarray(dataset.images[flat]))
    offsets = np.cumsum([0, *(len(group) for group in picks)])
    local = [list(range(offsets[i], offsets[i + 1])) for i in range(len(picks))]
    return group_diversity(vectors, local)


def evaluate_game(
    dataset_dir,
    model_ids: Sequence[str],
    *,
    out_dir,
    seed: int = 0,
    alpha: str = "soft",
    device: str | None = None,
    load_backend: Callable[[str, str], Any] | None = None,
    log: Callable[[str], None] | None = None,
    prompt_set: str = "heldout",
) -> list[GameScores]:
    """Score each model on the held-out game prompts and write ``<model>-game-grid.png``.

    Also judges one sprite per recognition prompt of ``prompt_set`` (``"tuning"`` or
    ``"heldout"``) and writes ``<model>-recognition-<prompt_set>.png``, their contact sheet.
    """
    from pathlib import Path

    from studio.train.data import load_dataset
    from studio.train.evaluation.features import FeatureExtractor
    from studio.train.evaluation.grids import save_grid
    from studio.train.evaluation.recognition import RecognitionJudge
    from studio.train.evaluation.recognition_sheet import save_recognition_sheet
    from studio.train.evaluation.report import (
        _default_device,
        _slug,
        check_models,
        loaded_backend,
    )

    say = log or (lambda message: None)
    check_models(model_ids, load_backend)
    device = device or _default_device()
    dataset = load_dataset(Path(dataset_dir))
    extractor = FeatureExtractor.load(device)
    real = real_diversity(dataset, extractor.features)
    say(f"real images of one concept: mean pairwise feature distance {real:.3f}")
    judge = RecognitionJudge.prepare(dataset, prompt_set, device, alpha)
    say(judge.describe())
    rows = []
    for model_id in model_ids:
        say(f"{model_id}: game prompts")
        with loaded_backend(model_id, device, load_backend) as backend:
            scores, images = score_game_prompts(
                backend, model_id, extractor.features, real, dataset.size, seed=seed, alpha=alpha
            )
            say(f"{model_id}: recognition prompts ({prompt_set})")
            judged = judge.judge(backend, model_id, dataset.size, seed=seed, alpha=alpha)
        save_grid(images, Path(out_dir) / f"{_slug(model_id)}-game-grid.png", columns=12)
        save_recognition_sheet(
            judged, Path(out_dir) / f"{_slug(model_id)}-recognition-{prompt_set}.png"
        )
        rows.append(replace(scores, recognition=judged.figure))
    return rows


def format_game_markdown(rows: Sequence[GameScores]) -> str:
    """The game-prompt figures as a Markdown table."""
    figures = ("colour accuracy", "seed diversity (real)", "ratio", "alpha in-between")
    header = ("model", *figures, "recognised (chance, real icons)")
    cells = (
        (
            row.model,
            f"{row.colour_accuracy:.2f}",
            f"{row.seed_diversity:.3f} ({row.real_diversity:.3f})",
            f"{row.diversity_ratio:.2f}",
            f"{100 * row.alpha_in_between:.1f} %",
            _recognition_cell(row.recognition),
        )
        for row in rows
    )
    return "\n".join(markdown_table(header, cells))


def _recognition_cell(figure: Recognition | None) -> str:
    if figure is None:
        return "-"
    ceiling = "none in the dataset" if figure.ceiling is None else f"{figure.ceiling:.1%}"
    return f"{figure.rate:.1%} ({figure.chance:.1%}, {ceiling}; {figure.prompts})"
