"""Residency: one cache of loaded things under a per-kind limit, failing soft."""

from __future__ import annotations

import pytest

from studio.engine.residency import Residency, ResidentKey, ResidentKind

GEN = ResidentKind.GENERATOR
STYLE = ResidentKind.STYLE_NETWORK


class _Model:
    """A loaded thing that knows whether it was released."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.released = False

    def release(self) -> None:
        self.released = True


def _residency() -> tuple[Residency, list[str]]:
    freed: list[str] = []
    return Residency(free=lambda: freed.append("free")), freed


def _load(residency: Residency, kind: ResidentKind, name: str) -> _Model:
    return residency.acquire(
        ResidentKey(kind, name, "cpu"), lambda _room: _Model(name), release=_Model.release
    )


def test_ten_swaps_between_two_models_leave_one_resident() -> None:
    residency, freed = _residency()
    loaded = [_load(residency, GEN, "a" if i % 2 == 0 else "b") for i in range(10)]
    assert len(residency) == 1 and residency.resident(GEN) == [loaded[-1]]
    assert all(model.released for model in loaded[:-1]) and not loaded[-1].released
    assert len(freed) == 9  # memory handed back after every swap


def test_the_same_key_is_loaded_once() -> None:
    residency, _ = _residency()
    first = _load(residency, GEN, "a")
    assert _load(residency, GEN, "a") is first
    assert residency.get(ResidentKey(GEN, "a", "cpu")) is first
    assert residency.get(ResidentKey(GEN, "a", "cuda")) is None  # another device is another entry


def test_a_failed_load_keeps_the_previous_model_usable() -> None:
    residency, freed = _residency()
    previous = _load(residency, GEN, "a")

    def broken(_room) -> _Model:
        raise OSError("truncated file")

    with pytest.raises(OSError, match="truncated"):
        residency.acquire(ResidentKey(GEN, "b"), broken)
    assert residency.resident(GEN) == [previous] and not previous.released
    assert freed == ["free"]  # what the failed load allocated is handed back


def test_a_loader_makes_room_before_it_moves_onto_the_device() -> None:
    residency, _ = _residency()
    previous = _load(residency, GEN, "a")
    seen: list[bool] = []

    def load(make_room) -> _Model:
        make_room()  # as the diffusers loader does before ``pipe.to(device)``
        seen.append(previous.released)
        make_room()  # a second call releases nothing more
        return _Model("b")

    new = residency.acquire(ResidentKey(GEN, "b"), load, release=_Model.release)
    assert seen == [True] and residency.resident(GEN) == [new]


def test_kinds_have_their_own_limits_and_unload_one_kind() -> None:
    residency, _ = _residency()
    networks = [_load(residency, STYLE, name) for name in ("multistyle", "predictor", "x")]
    model = _load(residency, GEN, "a")
    assert residency.resident(STYLE) == networks  # style networks are all kept warm
    residency.unload(STYLE)
    assert residency.resident(STYLE) == [] and all(n.released for n in networks)
    assert residency.resident(GEN) == [model] and not model.released


def test_clear_unloads_everything() -> None:
    residency, freed = _residency()
    loaded = [_load(residency, STYLE, "multistyle"), _load(residency, GEN, "a")]
    residency.clear()
    assert len(residency) == 0 and all(model.released for model in loaded)
    assert freed == ["free"]
    residency.clear()
    assert freed == ["free"]  # nothing loaded, nothing to free
