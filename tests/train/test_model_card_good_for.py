"""Every built-in model's card says what its family is good for, and the shipped cards agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.train.card import GOOD_FOR, render_model_card

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.mark.parametrize("family", sorted(GOOD_FOR))
def test_a_rendered_card_says_what_the_family_is_good_for(family: str) -> None:
    card = render_model_card({"family": family, "name": f"builtin-{family}"})
    assert "## What it is good for\n\n" + GOOD_FOR[family] in card


@pytest.mark.parametrize("family", sorted(GOOD_FOR))
def test_the_shipped_card_carries_the_same_words(family: str) -> None:
    card = (MODELS / f"builtin-{family}" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert GOOD_FOR[family] in card
