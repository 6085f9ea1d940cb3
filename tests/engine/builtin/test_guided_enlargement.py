"""A sprite's enlargement guided by the 64 px bank icon it drew on (He et al.'s guided filter)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from studio.domain.errors import DamagedModelError
from studio.domain.requests import GenerationRequest
from studio.engine.builtin.numpy_runtime.guided import guide_by_reference
from studio.engine.builtin.reference_bank import BANK_NAME, ReferenceBank
from studio.train.data.colours import name_colours
from tests.engine.builtin.conftest import write_tiny_bank

SIDE = 64


def _disc(radius: float, colour: tuple[int, int, int], blur: float = 0.0, centre=(32, 32)):
    """Straight RGBA disc; ``blur`` > 0 gives a soft edge that wide in pixels."""
    y, x = np.mgrid[:SIDE, :SIDE] + 0.5
    distance = np.hypot(y - centre[0], x - centre[1])
    alpha = np.clip((radius - distance) / max(blur, 0.5) + 0.5, 0.0, 1.0)
    rgba = np.zeros((SIDE, SIDE, 4), dtype=np.uint8)
    rgba[..., :3] = colour
    rgba[..., 3] = np.round(alpha * 255).astype(np.uint8)
    rgba[..., :3][rgba[..., 3] == 0] = 0
    return rgba


def _in_between(rgba: np.ndarray) -> int:
    return int(((rgba[..., 3] > 20) & (rgba[..., 3] < 235)).sum())


def test_the_sprite_takes_the_icons_edge_and_keeps_its_own_colour() -> None:
    icon = _disc(20, (250, 250, 250))  # the bank icon: a sharp white disc
    sprite = _disc(20, (220, 40, 40), blur=2.0)  # the model's: the same shape, red and soft
    guided = guide_by_reference(sprite, icon)
    assert _in_between(guided) < _in_between(sprite) / 2  # the icon's sharp edge
    centre = guided[24:40, 24:40, :3].reshape(-1, 3) / 255.0
    assert (name_colours(centre) == name_colours(np.array([0.86, 0.16, 0.16]))).all()  # red


def test_what_the_model_drew_beyond_the_icon_stays() -> None:
    icon = _disc(12, (250, 250, 250), centre=(20, 20))
    sprite = _disc(12, (220, 40, 40), blur=3.0, centre=(20, 20))
    extra = _disc(10, (40, 170, 60), blur=3.0, centre=(46, 46))  # a second thing, not in the icon
    sprite = np.where(extra[..., 3:] > sprite[..., 3:], extra, sprite)
    guided = guide_by_reference(sprite, icon)
    assert guided[46, 46, 3] > 200  # still there, where the icon is empty and flat
    assert name_colours(guided[46, 46, :3] / 255.0) == name_colours(np.array([0.16, 0.67, 0.24]))


def test_a_wrapped_guided_enlargement_keeps_a_tile_seamless() -> None:
    rng = np.random.default_rng(0)
    sprite = rng.integers(0, 256, (SIDE, SIDE, 4), dtype=np.uint8)
    icon = rng.integers(0, 256, (SIDE, SIDE, 4), dtype=np.uint8)
    guided = guide_by_reference(sprite, icon, wrap=(True, True))
    rolled = guide_by_reference(
        np.roll(sprite, 5, axis=(0, 1)), np.roll(icon, 5, axis=(0, 1)), wrap=(True, True)
    )
    assert np.array_equal(np.roll(guided, 5, axis=(0, 1)), rolled)


def test_sizes_must_match() -> None:
    with pytest.raises(ValueError, match="differ in size"):
        guide_by_reference(np.zeros((64, 64, 4), np.uint8), np.zeros((32, 32, 4), np.uint8))


@pytest.fixture(scope="module")
def detail_bank_folder(tmp_path_factory, builtin_encoder):
    folder = tmp_path_factory.mktemp("detail-bank")
    write_tiny_bank(folder, builtin_encoder, detail=True)
    return folder


def test_a_picked_icons_detail_is_mirrored_with_it(detail_bank_folder, builtin_encoder) -> None:
    bank = ReferenceBank.load(detail_bank_folder)
    assert bank is not None and bank.detail is not None
    vector = builtin_encoder.encode(["heart"]).pooled[0].numpy()
    picks = [bank.pick(bank.candidates(vector, None), seed) for seed in range(16)]
    for picked in picks:
        row = bank.keys.index(picked.key)
        expected = bank.detail[row, :, ::-1] if picked.flipped else bank.detail[row]
        assert picked.detail is not None and np.array_equal(picked.detail, expected)
        # A result at twice the native size is measured against the detail.
        assert picked.distance(picked.detail) == 0.0 < picked.distance(picked.detail[::-1])


@pytest.mark.parametrize(
    ("array", "damage", "says"),
    [
        ("detail", lambda a: a[:, :8], "has damaged detail"),
        ("colours", lambda a: a[:3], "is incomplete"),
    ],
)
def test_damaged_optional_arrays_are_one_line_naming_the_bank(
    detail_bank_folder, tmp_path, array, damage, says
) -> None:
    with np.load(detail_bank_folder / BANK_NAME) as arrays:
        kept = {name: arrays[name] for name in arrays.files}
    kept.setdefault("colours", np.array(["red"] * len(kept["keys"])))
    kept[array] = damage(kept[array])
    np.savez(tmp_path / BANK_NAME, **kept)
    with pytest.raises(DamagedModelError, match=f"{BANK_NAME} {says}") as caught:
        ReferenceBank.load(tmp_path)
    assert "\n" not in str(caught.value)


def _one(backend, prompt: str = "a red heart", **fields):
    request = GenerationRequest(prompt, width=32, height=32, seed=3, **fields)
    return next(iter(backend.generate(request, lambda update: None, threading.Event())))


def test_the_backend_guides_sprites_by_the_icons_detail(
    builtin_backend_for, detail_bank_folder, tmp_path
) -> None:
    from tests.engine.builtin.test_enlarger import _with_enlarger

    plain = _with_enlarger(builtin_backend_for("vae"), tmp_path)
    guided = _with_enlarger(builtin_backend_for("vae"), tmp_path)
    guided.sampler.bank = ReferenceBank.load(detail_bank_folder)
    before, after = _one(plain), _one(guided)
    assert before.extra["Drew on"] == after.extra["Drew on"]  # the same pick
    assert before.extra["enlarged"] == "learnt 2x enlarger"
    assert after.extra["enlarged"] == "learnt 2x enlarger, guided by the icon"
    assert not np.array_equal(before.pixels, after.pixels)
    assert set(np.unique(after.pixels[..., 3])) <= {0, 255}  # still cut crisp, after guiding
    assert 0.0 < after.extra["Reference distance"] < 1.0
    pixel_art = _one(guided, "a red heart, pixel art")
    assert pixel_art.extra["enlarged"] == "nearest neighbour"  # its pixels are the style
