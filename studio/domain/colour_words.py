"""The twelve colour words of the built-in models' captions: the one colour vocabulary.

Captions name pixels with exactly these words (:mod:`studio.train.data.colours`), the colour
metric checks them, and a prompt's colour names are read into them
(:mod:`studio.domain.prompt_colours`).
"""

from __future__ import annotations

# The colour vocabulary of the built-in models' captions and of their colour metric
# (studio.train.data.colours names pixels with exactly these words).
COLOUR_WORDS = (
    "red",
    "orange",
    "yellow",
    "green",
    "teal",
    "blue",
    "purple",
    "pink",
    "brown",
    "black",
    "white",
    "grey",
)
