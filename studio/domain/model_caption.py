"""The caption a retrieval-augmented built-in model reads in place of the prompt.

The built-in models learnt from captions of one form: ``"orange and blue 1st place medal,
flat"``: the colours in twelve words, the icon's name, its art style. A prompt in other words
("game icon of a mahogany treasure box", "elixir flask in jade") is outside everything they
saw, and they answer it with speckled, muddy sprites. A model with an icon bank already knows
which icon it draws on, so it reads a caption of the trained form instead: the prompt's
colours in the twelve words (:mod:`.colour_names` says which word "mahogany" is), the name of
the icon it drew on, and the prompt's style word. The recipe keeps the prompt and records the
caption beside it.
"""

from __future__ import annotations

from studio.domain.colour_words import COLOUR_WORDS
from studio.domain.prompt_colours import prompt_colours
from studio.domain.prompt_subject import prompt_art_style


def model_caption(prompt: str, concept: str, icon_colours: str = "") -> str:
    """``"red and yellow treasure chest, pixel art"``: what the model reads for ``prompt``.

    ``concept`` is the name of the bank icon drawn on. Colour words of its own name give way to
    the prompt's ("red apple" asked in green is a "green apple"). A prompt that names no colour
    gets the icon's own, ``icon_colours`` ("brown and grey"): every caption the model learnt
    from named its colours, and without any it mixes them into mud.
    """
    colours = prompt_colours(prompt, concept) or [c for c in icon_colours.split(" and ") if c]
    name = concept
    if colours:
        kept = [word for word in concept.split() if word not in COLOUR_WORDS]
        name = " ".join(kept) or concept
    caption = f"{' and '.join(colours)} {name}".strip()
    style = prompt_art_style(prompt)
    return f"{caption}, {style}" if style else caption
