"""What a character sheet keeps of the history entry it starts from (window and CLI alike)."""

from __future__ import annotations

import pytest

from studio.ops.character_sheet import EntrySettings, recipe_request

MADE = {
    "model": "sd-a", "seed": 41, "width": 96, "height": 128, "steps": 9, "cfg_scale": 3,
    "sampler": "Euler a", "transparent_background": True, "transparent": "native",
}  # fmt: skip


def test_on_the_entrys_own_model_its_settings_and_transparency_are_kept() -> None:
    entry = EntrySettings.of({"request": MADE})
    assert entry.seed == 41
    values = entry.values("sd-a")
    assert values == {
        "transparent_background": True, "transparent": "native", "width": 96, "height": 128,
        "steps": 9, "cfg_scale": 3.0, "sampler": "Euler a",
    }  # fmt: skip
    assert isinstance(values["cfg_scale"], float)


def test_another_model_keeps_only_the_transparency_and_opaque_drops_it() -> None:
    entry = EntrySettings.of(MADE)  # a recipe that is the request itself
    assert entry.values("sd-b") == {"transparent_background": True, "transparent": "native"}
    assert entry.values("sd-b", transparent=False) == {}
    matte = EntrySettings.of({"request": {"transparent_background": True}})
    assert matte.transparency == "matte"


@pytest.mark.parametrize(
    "recipe",
    [
        None,
        "not a recipe",
        {"request": ["a", "list"]},
        {"request": {"seed": True, "steps": "9", "width": 9.5, "cfg_scale": False, "sampler": 3}},
    ],
)
def test_a_recipe_of_the_wrong_shape_keeps_nothing_and_raises_nothing(recipe) -> None:
    entry = EntrySettings.of(recipe)
    assert entry.seed is None and entry.transparency == ""
    assert entry.values(entry.model) == {}


def test_recipe_request_reads_a_history_recipe_or_the_request_itself() -> None:
    assert recipe_request({"request": {"prompt": "a knight"}}) == {"prompt": "a knight"}
    assert recipe_request({"prompt": "a knight"}) == {"prompt": "a knight"}
    assert recipe_request(None) == {}
