"""StyleRequest: validation with actionable messages, JSON round trip by image hash.

(Lives with the style tests; it tests studio/domain/style.py.)
"""

from __future__ import annotations

import hashlib

import pytest

from studio.domain.errors import InvalidRequestError
from studio.domain.style import StyleRequest

SOURCE = b"\x89PNG source"
STYLE = b"\x89PNG style"


def test_round_trips_through_json_with_images_by_hash() -> None:
    request = StyleRequest(
        source=SOURCE,
        source_label="history #12",
        presets=(3, 7),
        style_images=(STYLE,),
        style_labels=("starry.jpg",),
        weights=(1, 1, 2),
        strength=0.6,
        preserve_colors=True,
        mask=b"mask",
        max_size=1024,
        seed=5,
    )
    data = request.to_dict()
    assert data["source_sha256"] == hashlib.sha256(SOURCE).hexdigest()
    assert data["style_image_sha256s"] == [hashlib.sha256(STYLE).hexdigest()]
    assert "source" not in data and "style_images" not in data and "mask" not in data
    again = StyleRequest.from_dict(data, SOURCE, (STYLE,), b"mask")
    assert again == request
    assert again.source == SOURCE and again.style_images == (STYLE,)


def test_from_dict_refuses_the_wrong_pixels() -> None:
    data = StyleRequest(source=SOURCE, presets=(1,)).to_dict()
    with pytest.raises(InvalidRequestError, match="source image does not match"):
        StyleRequest.from_dict(data, b"other")


def test_weights_normalise_and_default_to_equal() -> None:
    assert StyleRequest(source=SOURCE, presets=(1, 2)).normalized_weights == (0.5, 0.5)
    weighted = StyleRequest(source=SOURCE, presets=(1,), style_images=(STYLE,), weights=(3, 1))
    assert weighted.normalized_weights == (0.75, 0.25)
    assert weighted.style_labels == ("style image 1",)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"presets": (26,)}, "use 0 to 25"),
        ({"presets": (-1,)}, "use 0 to 25"),
        ({"presets": ()}, "at least one style"),
        ({"presets": (1, 2, 3), "style_images": (STYLE, STYLE)}, "at most 4"),
        ({"presets": (1, 1)}, "twice"),
        ({"presets": (1,), "weights": (1, 2)}, "one weight per style"),
        ({"presets": (1, 2), "weights": (0, 0)}, "not all zero"),
        ({"presets": (1,), "weights": (-1,)}, "zero or positive"),
        ({"presets": (1,), "strength": 1.5}, "Strength"),
        ({"presets": (1,), "max_size": 8}, "Max size"),
        ({"presets": (1,), "method": "magic"}, "Unknown style method"),
        ({"presets": (1,), "iterations": 0}, "Iterations"),
        ({"presets": (1,), "seed": -3}, "Seed"),
        ({"presets": (1,), "mask": b""}, "mask is empty"),
        ({"style_images": (STYLE,), "style_labels": ("a", "b")}, "one label per style"),
    ],
)
def test_bad_values_give_clear_messages(kwargs: dict, fragment: str) -> None:
    with pytest.raises(InvalidRequestError, match=fragment):
        StyleRequest(source=SOURCE, **kwargs)


def test_empty_source_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="empty"):
        StyleRequest(source=b"", presets=(1,))
