"""The recognition score: ImageNet classes per object, the restricted classifier, its inputs."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from studio.domain.models import ModelFamily, ModelFormat, ModelInfo, ModelSource
from studio.domain.results import GeneratedImage
from studio.train.data.recognition_prompts import recognition_prompts
from studio.train.evaluation.game_metrics import GameScores, format_game_markdown
from studio.train.evaluation.recognition import (
    BACKGROUND,
    INPUT_SIZE,
    ObjectClassifier,
    Recognition,
    RecognitionJudge,
    balanced_rate,
    network_input,
    objects_of,
    real_icons,
    restrict_to_objects,
)
from studio.train.evaluation.recognition_objects import RECOGNITION_OBJECTS, RecognitionObject
from studio.train.evaluation.recognition_sheet import (
    RIGHT,
    WRONG,
    make_recognition_sheet,
    save_recognition_sheet,
)

DATASET = Path(os.environ.get("STUDIO_SPRITES64", "/work/data/sprites64"))


@pytest.fixture(scope="module")
def classifier() -> ObjectClassifier:
    return ObjectClassifier.load("cpu")


def test_every_class_index_is_imagenet_and_named_as_imagenet_names_it() -> None:
    from torchvision.models import EfficientNet_B0_Weights

    categories = EfficientNet_B0_Weights.IMAGENET1K_V1.meta["categories"]
    assert len(categories) == 1000
    seen: set[int] = set()
    for obj in RECOGNITION_OBJECTS:
        for index, name in obj.classes:
            assert 0 <= index < 1000 and categories[index] == name, (obj.name, index, name)
            assert index not in seen, f"class {index} counted for two objects"
            seen.add(index)
        assert obj.concepts, obj.name


def test_both_prompt_sets_name_every_object_twice_in_different_words() -> None:
    tuning, heldout = recognition_prompts("tuning"), recognition_prompts("heldout")
    names = [obj.name for obj in RECOGNITION_OBJECTS]
    assert len(names) >= 20
    for prompts in (tuning, heldout):
        assert sorted(p.object for p in prompts) == sorted(names * 2)
        assert objects_of(prompts) == RECOGNITION_OBJECTS
    assert not {p.text for p in tuning} & {p.text for p in heldout}
    with pytest.raises(ValueError, match="unknown prompt set"):
        recognition_prompts("train")  # type: ignore[arg-type]


def test_the_prediction_is_the_object_whose_classes_add_up_to_most() -> None:
    two = RecognitionObject("two", ((1, "a"), (2, "b")), ())
    one = RecognitionObject("one", ((3, "c"),), ())
    logits = np.log(np.array([[0.2, 0.2, 0.2, 0.3, 0.1]]))  # 0.4 for "two", 0.3 for "one"
    sums = restrict_to_objects(logits, [two, one])
    assert np.allclose(sums, [[0.4, 0.3]])  # softmax over all classes, then restricted
    assert restrict_to_objects(logits + 1000.0, [two, one]).argmax(axis=1).tolist() == [0]


def test_network_input_is_nearest_neighbour_on_the_background_at_224() -> None:
    sprite = np.zeros((1, 8, 8, 4), np.uint8)
    sprite[0, :, :4] = (255, 0, 0, 255)  # left half opaque red, right half transparent
    pixels = network_input(sprite)
    assert pixels.shape == (1, 3, INPUT_SIZE, INPUT_SIZE)
    background = (BACKGROUND - 127.0) / 128.0
    assert pixels[0, :, 0, 0] == pytest.approx([background] * 3)  # the margin
    # Only the two source colours, no blend of them: nearest neighbour, not bilinear.
    assert set(np.unique(pixels[0, 0]).round(4)) == {round(background, 4), round(128 / 128, 4)}


def test_balanced_rate_counts_each_object_once() -> None:
    assert balanced_rate([True, True, True, False], ["a", "a", "a", "b"]) == 0.5


def test_a_uniform_grey_sprite_is_not_recognised_above_chance(classifier) -> None:
    names = [obj.name for obj in classifier.objects]
    grey = np.full((len(names), 16, 16, 4), (128, 128, 128, 255), np.uint8)
    rate, predicted = classifier.rate(grey, names)
    assert rate <= classifier.chance == pytest.approx(1 / len(names))
    assert len(set(predicted.tolist())) == 1


class GreyBackend:
    """Draws an opaque grey square whatever the prompt."""

    model = ModelInfo("g", "g", ModelFamily.BUILTIN, ModelSource.BUILTIN, ModelFormat.BUILTIN)

    def generate(self, request, on_progress, cancel):
        image = np.full((request.height, request.width, 4), 128, np.uint8)
        image[..., 3] = 255
        yield GeneratedImage(request=request, pixels=image)

    def unload(self):
        pass


def test_a_judge_scores_a_model_and_its_sheet_names_every_guess(classifier, tmp_path) -> None:
    prompts = recognition_prompts("heldout")[:6]  # three objects
    three = classifier.restricted(objects_of(prompts))
    judge = RecognitionJudge(three, prompts, "heldout", ceiling=0.5)
    judged = judge.judge(GreyBackend(), "g", 16)
    assert judged.figure == Recognition(1 / 3, 1 / 3, 0.5, "heldout", 3, 6)
    assert judged.images.shape == (6, 16, 16, 4) and len(judged.predicted) == 6
    path = save_recognition_sheet(judged, tmp_path / "sheet.png")
    from PIL import Image

    assert Image.open(path).size[0] > 6 * 32
    assert "chance 33.3%" in judge.describe() and "real icons 50.0%" in judge.describe()


def test_sheet_labels_right_guesses_green_and_wrong_ones_red() -> None:
    sprites = np.zeros((2, 8, 8, 4), np.uint8)
    right = make_recognition_sheet(sprites[:1], ["cat"], ["cat"], BACKGROUND)
    wrong = make_recognition_sheet(sprites[:1], ["cat"], ["owl"], BACKGROUND)
    colours = {tuple(p) for p in right.reshape(-1, 3)}
    assert RIGHT in colours and WRONG not in colours
    assert WRONG in {tuple(p) for p in wrong.reshape(-1, 3)}


def test_the_game_table_shows_recognition_beside_chance_and_ceiling() -> None:
    figure = Recognition(0.25, 1 / 42, 0.4, "heldout", 42, 84)
    row = GameScores("m", 1.0, 0.2, 0.3, 0.0, 144, 8, recognition=figure)
    assert "25.0% (2.4%, 40.0%; heldout)" in format_game_markdown([row])
    assert row.to_dict()["recognition"] == {
        "rate": 0.25,
        "chance": 1 / 42,
        "ceiling": 0.4,
        "prompts": "heldout",
        "objects": 42,
        "images": 84,
    }
    figure = Recognition(0.0, 0.5, None, "tuning", 2, 4)
    no_icons = GameScores("m", 1.0, 0.2, 0.3, 0.0, 144, 8, recognition=figure)
    assert "none in the dataset" in format_game_markdown([no_icons])


def test_real_icons_are_originals_of_the_four_art_sets() -> None:
    items = [
        {"concept": "banana", "source": "noto", "key": "noto:1f34c"},
        {"concept": "banana", "source": "noto", "key": "noto:1f34c#hue78"},  # a copy
        {"concept": "banana", "source": "pixelarticons", "key": "p:banana"},  # not a real set
        {"concept": "ghost", "source": "noto", "key": "noto:1f47b"},  # no ImageNet class
    ]
    assert real_icons(items, RECOGNITION_OBJECTS) == ([0], ["banana"])


@pytest.mark.slow
@pytest.mark.skipif(not (DATASET / "manifest.json").is_file(), reason="no built dataset")
def test_real_icons_are_recognised_well_above_chance(classifier) -> None:
    from studio.train.data import load_dataset
    from studio.train.evaluation.recognition import ceiling_rate

    ceiling = ceiling_rate(load_dataset(DATASET), classifier)
    assert ceiling is not None and ceiling > 5 * classifier.chance


def test_a_crisp_ceiling_judges_the_real_icons_with_their_alpha_cut() -> None:
    from types import SimpleNamespace

    from studio.train.evaluation.recognition import ceiling_rate

    banana = next(obj for obj in RECOGNITION_OBJECTS if obj.name == "banana")
    seen: list[np.ndarray] = []

    class Recording:
        objects = (banana,)

        def predict(self, images: np.ndarray) -> np.ndarray:
            seen.append(images)
            return np.zeros(len(images), dtype=np.int64)

    icons = np.zeros((1, 4, 4, 4), np.uint8)
    icons[0, 1:3, 1:3] = (200, 200, 0, 100)  # a soft, half-transparent icon
    dataset = SimpleNamespace(
        items=[{"concept": "banana", "source": "noto", "key": "noto:1f34c"}], images=icons
    )
    assert ceiling_rate(dataset, Recording(), "soft") == 1.0
    assert ceiling_rate(dataset, Recording(), "crisp") == 1.0
    assert set(np.unique(seen[0][..., 3])) == {0, 100}
    assert set(np.unique(seen[1][..., 3])) == {0}  # 100 < 128: cut away, as in a crisp sprite
