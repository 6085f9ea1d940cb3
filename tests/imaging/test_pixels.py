"""Pixel helpers shared by the layers."""

from __future__ import annotations

import numpy as np
import pytest

from studio.imaging.pixels import ensure_rgba, is_blank


def test_ensure_rgba_adds_opaque_alpha_and_expands_grey() -> None:
    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    grey = np.full((2, 3), 9, np.uint8)
    grey_alpha = np.stack([grey, np.full((2, 3), 4, np.uint8)], axis=2)

    assert np.array_equal(ensure_rgba(rgb)[:, :, :3], rgb)
    assert (ensure_rgba(rgb)[:, :, 3] == 255).all()
    assert (ensure_rgba(grey) == [9, 9, 9, 255]).all()
    assert (ensure_rgba(grey_alpha) == [9, 9, 9, 4]).all()


def test_ensure_rgba_passes_rgba_through_contiguously() -> None:
    rgba = np.zeros((4, 4, 4), np.uint8)[:, ::2]

    result = ensure_rgba(rgba)

    assert result.flags.c_contiguous and result.shape == (4, 2, 4)


def test_ensure_rgba_refuses_other_arrays() -> None:
    with pytest.raises(ValueError):
        ensure_rgba(np.zeros((2, 2, 3), np.float32))
    with pytest.raises(ValueError):
        ensure_rgba(np.zeros((2, 2, 5), np.uint8))


def test_is_blank() -> None:
    black = np.zeros((8, 8, 3), np.uint8)
    noisy_grey = np.full((8, 8, 3), 128, np.uint8)
    noisy_grey[0, 0] = 130
    picture = black.copy()
    picture[4:, 4:] = (200, 10, 10)
    transparent = np.zeros((8, 8, 4), np.uint8)
    transparent[..., :3] = 255
    transparent[0, 0] = (255, 255, 255, 0)
    sprite_on_clear = np.zeros((8, 8, 4), np.uint8)
    sprite_on_clear[2, 2] = (255, 0, 0, 255)
    sprite_on_clear[3, 3] = (0, 0, 255, 255)

    assert is_blank(black)
    assert is_blank(noisy_grey)
    assert not is_blank(noisy_grey, tolerance=1)
    assert not is_blank(picture)
    assert is_blank(transparent)
    assert not is_blank(sprite_on_clear)


def test_nearest_upscale_is_written_once() -> None:
    """Every whole-factor enlargement of an image goes through ``upscale_nearest``."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "studio"
    copies = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            inner = func.value if isinstance(func, ast.Attribute) else None
            if (
                inner is not None
                and func.attr == "repeat"
                and isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr == "repeat"
                and {
                    ast.literal_eval(k.value)
                    for k in node.keywords + inner.keywords
                    if k.arg == "axis"
                }
                == {0, 1}
            ):
                copies.append(str(path.relative_to(root)))
    assert copies == ["imaging/pixels.py"]
