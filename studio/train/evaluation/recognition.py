"""Does a sprite read as its object? An ImageNet classifier nobody on the team trained says.

The judge is the packaged EfficientNet-Lite0 with its own ImageNet classifier head
(:mod:`studio.engine.efficientnet` loads the head strictly: ``_fc`` is 1000 x 1280). It is
used as a classifier restricted to the objects of the prompt set: the softmax over all 1000
classes is taken, the probabilities of each object's classes
(:mod:`~studio.train.evaluation.recognition_objects`) are added up, and the object with the
largest sum is the prediction.

Input as the network was trained (TensorFlow's EfficientNet-Lite: 224 px RGB,
``(x - 127) / 128``, the "inception-style" mean and deviation of the edge models; on photos
this gives the surest answers, e.g. scikit-image's cat photo reads as the three cat classes),
except for what sprites need. The RGBA sprite is composited on white and framed by a white
margin of 3/16 of its side, then enlarged to 224 px with nearest neighbour, so the judge sees
the sprite's own pixels, not a blur of them. White, not the mid-grey of
:mod:`~studio.train.evaluation.features`, because ImageNet's objects are often product shots
on white: on the 216 real icons of the 42 objects the balanced top-1 rate is 19.9 % on grey,
28.3 % on white, 33.3 % on white with the margin (28.7 % with half of it), 30.8 % with
bilinear instead of nearest enlargement.

Three figures, side by side: the **recognition rate** of generated sprites (top-1 among the N
objects), **chance** (1/N) and the **ceiling**, the same scorer on real icons of the same
objects at the same size (Fluent 3D, Fluent flat, Noto and game-icons images in the dataset,
each object weighted equally however many icons it has). "The same scorer" includes the alpha
the sprites are judged with: with ``alpha="crisp"`` (the request default) the real icons' alpha
is cut at one half too, exactly as a crisp sprite's is, because the cut alone costs a real icon
a third of its score (on the 216 real icons: 33.3 % with their own soft edges, 20.6 % cut).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from studio.train.data.recognition_prompts import RecognitionPrompt
from studio.train.evaluation.features import composite_on_grey
from studio.train.evaluation.recognition_objects import RECOGNITION_OBJECTS, RecognitionObject
from studio.train.evaluation.sampling import generate_prompt_images

if TYPE_CHECKING:
    import torch

INPUT_SIZE = 224
MEAN, DEVIATION = 127.0, 128.0
BACKGROUND = 255
MARGIN = 3 / 16  # of the sprite's side, added on each side (12 px around a 64 px sprite)
REAL_SOURCES = ("fluent3d", "fluentflat", "noto", "gameicons")
_BATCH = 32


@dataclass(frozen=True)
class Recognition:
    """One recognition figure beside what it is to be read against.

    ``rate`` is the share of sprites whose predicted object is the prompt's (0..1),
    ``chance`` what guessing scores (``1 / objects``), ``ceiling`` the rate on real icons of
    the same objects (``None`` when the dataset has none) and ``prompts`` the prompt set,
    ``"tuning"`` or ``"heldout"``.
    """

    rate: float
    chance: float
    ceiling: float | None
    prompts: str
    objects: int
    images: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def objects_of(prompts: Sequence[RecognitionPrompt]) -> tuple[RecognitionObject, ...]:
    """The mapped objects the prompts name, in the mapping's order.

    Raises
    ------
    ValueError
        If a prompt names an object the mapping lacks.
    """
    named = {prompt.object for prompt in prompts}
    known = {obj.name for obj in RECOGNITION_OBJECTS}
    if named - known:
        raise ValueError(f"no ImageNet classes for {sorted(named - known)}")
    return tuple(obj for obj in RECOGNITION_OBJECTS if obj.name in named)


def restrict_to_objects(logits: np.ndarray, objects: Sequence[RecognitionObject]) -> np.ndarray:
    """``(N, len(objects))`` summed softmax probabilities of each object's classes.

    The softmax runs over all of ``logits``' classes first, so a sprite that looks like none
    of the objects has small sums everywhere rather than being forced into one.
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    probabilities = np.exp(shifted)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    return np.stack(
        [probabilities[:, [index for index, _ in obj.classes]].sum(axis=1) for obj in objects],
        axis=1,
    )


def network_input(images: np.ndarray) -> np.ndarray:
    """uint8 RGBA ``(N, S, S, 4)`` -> float32 ``(N, 3, 224, 224)`` as the network expects.

    Composited on :data:`BACKGROUND`, framed by :data:`MARGIN` of it on every side, enlarged
    with nearest neighbour, ``(x - 127) / 128``.
    """
    rgb = composite_on_grey(np.asarray(images), BACKGROUND)
    pad = round(rgb.shape[1] * MARGIN)
    rgb = np.pad(rgb, ((0, 0), (pad, pad), (pad, pad), (0, 0)), constant_values=BACKGROUND)
    # The source pixel under each output pixel's centre: nearest neighbour at any ratio.
    source = ((2 * np.arange(INPUT_SIZE) + 1) * rgb.shape[1]) // (2 * INPUT_SIZE)
    big = rgb[:, source][:, :, source]
    return ((big - MEAN) / DEVIATION).transpose(0, 3, 1, 2).astype(np.float32)


class ObjectClassifier:
    """EfficientNet-Lite0 with its ImageNet head, restricted to some objects. Use :meth:`load`."""

    def __init__(self, network, device: torch.device, objects: Sequence[RecognitionObject]) -> None:
        self._network = network
        self.device = device
        self.objects = tuple(objects)

    @classmethod
    def load(
        cls,
        device: torch.device | str = "cpu",
        objects: Sequence[RecognitionObject] = RECOGNITION_OBJECTS,
    ) -> ObjectClassifier:
        """The packaged network on ``device``, judging among ``objects``."""
        import torch

        from studio.engine.efficientnet import efficientnet_lite0

        target = torch.device(device)
        return cls(efficientnet_lite0().to(target), target, objects)

    def restricted(self, objects: Sequence[RecognitionObject]) -> ObjectClassifier:
        """The same network judging among ``objects`` instead."""
        return ObjectClassifier(self._network, self.device, objects)

    @property
    def chance(self) -> float:
        """The rate of a guess: one over the number of objects."""
        return 1.0 / len(self.objects)

    def logits(self, images: np.ndarray) -> np.ndarray:
        """``(N, 1000)`` ImageNet logits of uint8 RGBA images of any square size."""
        import torch

        out = np.zeros((len(images), 1000), dtype=np.float64)
        for start in range(0, len(images), _BATCH):
            batch = network_input(np.asarray(images[start : start + _BATCH]))
            with torch.inference_mode():
                values = self._network(torch.from_numpy(batch).to(self.device))
            out[start : start + len(batch)] = values.double().cpu().numpy()
        return out

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Index into :attr:`objects` of each image's predicted object."""
        if len(images) == 0:
            return np.zeros(0, dtype=np.int64)
        return restrict_to_objects(self.logits(images), self.objects).argmax(axis=1)

    def rate(self, images: np.ndarray, targets: Sequence[str]) -> tuple[float, np.ndarray]:
        """Share of ``images`` predicted as ``targets[i]`` (object names), and the predictions."""
        predicted = self.predict(images)
        names = [self.objects[int(i)].name for i in predicted]
        hits = [name == target for name, target in zip(names, targets, strict=True)]
        return (float(np.mean(hits)) if hits else 0.0), predicted


def real_icons(
    items: Sequence[dict[str, Any]], objects: Sequence[RecognitionObject]
) -> tuple[list[int], list[str]]:
    """Dataset rows of original real icons of ``objects`` and the object each shows.

    Originals only (augmented copies carry ``#`` in their key), from :data:`REAL_SOURCES`.
    """
    by_concept = {concept: obj.name for obj in objects for concept in obj.concepts}
    rows, names = [], []
    for row, item in enumerate(items):
        name = by_concept.get(item["concept"])
        if name and item["source"] in REAL_SOURCES and "#" not in item["key"]:
            rows.append(row)
            names.append(name)
    return rows, names


def balanced_rate(hits: Sequence[bool], names: Sequence[str]) -> float:
    """Mean over objects of each object's hit rate (an object with many icons counts once)."""
    per_object: dict[str, list[bool]] = {}
    for hit, name in zip(hits, names, strict=True):
        per_object.setdefault(name, []).append(bool(hit))
    return float(np.mean([np.mean(values) for values in per_object.values()]))


def ceiling_rate(dataset, classifier: ObjectClassifier, alpha: str = "soft") -> float | None:
    """The classifier's balanced rate on the dataset's real icons of its objects.

    With ``alpha="crisp"`` their alpha is cut at one half first, as a crisp sprite's is.
    ``None`` when the dataset holds no such icon (a synthetic test set, say).
    """
    from studio.engine.builtin.numpy_runtime.pixels import crisp_alpha

    rows, names = real_icons(dataset.items, classifier.objects)
    if not rows:
        return None
    images = np.asarray(dataset.images[rows])
    predicted = classifier.predict(crisp_alpha(images) if alpha == "crisp" else images)
    guesses = [classifier.objects[int(i)].name for i in predicted]
    return balanced_rate([g == n for g, n in zip(guesses, names, strict=True)], names)


@dataclass(frozen=True, eq=False)
class JudgedSprites:
    """One model's recognition figure and what it was made of (for the contact sheet)."""

    figure: Recognition
    images: np.ndarray
    predicted: list[str]
    expected: list[str]


class RecognitionJudge:
    """The classifier, the prompts and the ceiling every model of one evaluation shares.

    Use :meth:`prepare`.
    """

    def __init__(
        self,
        classifier: ObjectClassifier,
        prompts: Sequence[RecognitionPrompt],
        prompt_set: str,
        ceiling: float | None,
        alpha: str = "soft",
    ) -> None:
        self.classifier = classifier
        self.prompts = list(prompts)
        self.prompt_set = prompt_set
        self.ceiling = ceiling
        self.alpha = alpha  # how the ceiling's icons were judged

    @classmethod
    def prepare(
        cls, dataset, prompt_set: str, device: torch.device | str, alpha: str = "crisp"
    ) -> RecognitionJudge:
        """Load the classifier for ``prompt_set``'s objects and score the dataset's icons.

        ``alpha`` is how the sprites will be judged; the real icons get the same cut.
        """
        from studio.train.data.recognition_prompts import recognition_prompts

        prompts = recognition_prompts(prompt_set)  # type: ignore[arg-type]
        classifier = ObjectClassifier.load(device, objects_of(prompts))
        ceiling = ceiling_rate(dataset, classifier, alpha)
        return cls(classifier, prompts, prompt_set, ceiling, alpha)

    def describe(self) -> str:
        """One line: the objects, chance and the ceiling."""
        ceiling = (
            "no real icons"
            if self.ceiling is None
            else f"real icons {self.ceiling:.1%} (alpha {self.alpha}, as the sprites')"
        )
        return (
            f"recognition: {len(self.classifier.objects)} objects, chance "
            f"{self.classifier.chance:.1%}, {ceiling}"
        )

    def judge(
        self, backend, model_id: str, size: int, *, seed: int = 0, alpha: str = "crisp"
    ) -> JudgedSprites:
        """Generate one sprite per prompt (prompt ``i`` with seed ``seed + i``) and judge it."""
        texts = [prompt.text for prompt in self.prompts]
        seeds = [seed + i for i in range(len(texts))]
        images = generate_prompt_images(backend, model_id, texts, seeds, size, alpha)
        expected = [prompt.object for prompt in self.prompts]
        rate, predicted = self.classifier.rate(images, expected)
        figure = Recognition(
            rate=rate,
            chance=self.classifier.chance,
            ceiling=self.ceiling,
            prompts=self.prompt_set,
            objects=len(self.classifier.objects),
            images=len(images),
        )
        names = [self.classifier.objects[int(i)].name for i in predicted]
        return JudgedSprites(figure, images, names, expected)
