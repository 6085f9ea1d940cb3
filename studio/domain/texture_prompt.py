"""When a generation request asks for a texture (a tile of a material) rather than a sprite.

One rule, shared by every face and every built-in family: a prompt asks for a texture when it
says so ("texture", "tile", "seamless", "floor", "wall", ...), or when the Tile X/Y switches are
on and the prompt names a material ("stone", "grass"). The switches alone keep their older
meaning on a sprite prompt ("a red heart icon" with Tile X: the model's drawing wraps), so a
sprite is never silently turned into a texture. Edits of an existing image (image-to-image,
inpainting) are never texture jobs: the user asked the model to work on their pixels.
"""

from __future__ import annotations

import re

from studio.domain.requests import GenerationRequest

# Words that make any prompt a texture prompt, in their singular form.
TEXTURE_WORDS = frozenset(
    {
        "texture",
        "tile",
        "tileable",
        "tiling",
        "seamless",
        "ground",
        "floor",
        "wall",
        "terrain",
        "pattern",
        "surface",
        "backdrop",
    }
)

# The materials a texture can be made of, and the words that name each.
MATERIALS: dict[str, tuple[str, ...]] = {
    "grass": ("grass", "lawn", "meadow", "turf"),
    "stone": ("stone", "rock", "granite", "slate", "pebble"),
    "cobblestone": ("cobblestone", "cobble", "paving", "flagstone"),
    "dirt": ("dirt", "soil", "mud", "earth"),
    "sand": ("sand", "desert", "beach", "dune"),
    "water": ("water", "ocean", "sea", "river", "lake", "pond"),
    "lava": ("lava", "magma"),
    "wood": ("wood", "wooden", "plank", "timber", "oak", "bark"),
    "brick": ("brick", "masonry"),
    "snow": ("snow", "snowy"),
    "ice": ("ice", "icy", "frozen"),
    "metal": ("metal", "metallic", "steel", "iron"),
    "moss": ("moss", "mossy", "lichen"),
}
_MATERIAL_OF_WORD = {word: name for name, words in MATERIALS.items() for word in words}


def prompt_words(prompt: str) -> list[str]:
    """The prompt's words, lower case, plurals folded ("Bricks" -> "brick").

    Only a trailing ``s`` after a consonant other than ``s`` is dropped, so "grass" and "moss"
    stay whole while "walls", "tiles" and "planks" fold.
    """
    words = re.findall(r"[a-z]+", prompt.lower())
    return [w[:-1] if len(w) > 3 and w.endswith("s") and w[-2] not in "su" else w for w in words]


def material_named(prompt: str) -> str | None:
    """The first material of :data:`MATERIALS` the prompt names, or ``None``.

    "cobblestone" outranks "stone" wherever it appears, as the more specific word.
    """
    found = [_MATERIAL_OF_WORD[w] for w in prompt_words(prompt) if w in _MATERIAL_OF_WORD]
    if "cobblestone" in found:
        return "cobblestone"
    return found[0] if found else None


# Texture words that also name a place an object sits: they count only as the phrase's head
# noun ("stone floor", "brick wall"), not before another noun ("a wall torch", "a floor lamp").
PLACE_WORDS = frozenset({"tile", "ground", "floor", "wall", "terrain", "surface", "backdrop"})
_PHRASE_BREAKS = re.compile(r"[,;:.]|\b(?:of|with|for|in|on)\b")


def says_texture(prompt: str) -> bool:
    """Whether the prompt itself asks for a texture (one of :data:`TEXTURE_WORDS`).

    A place word (:data:`PLACE_WORDS`) counts only when nothing but texture words follows it in
    its phrase, so "a stone floor, pixel art" is a texture and "a wall torch" is a sprite.
    """
    for phrase in _PHRASE_BREAKS.split(prompt.lower()):
        words = prompt_words(phrase)
        for index, word in enumerate(words):
            if word not in TEXTURE_WORDS:
                continue
            after = words[index + 1 :]
            if word not in PLACE_WORDS or all(later in TEXTURE_WORDS for later in after):
                return True
    return False


def is_texture_request(request: GenerationRequest) -> bool:
    """Whether a built-in model makes ``request`` as an opaque seamless texture.

    True for a text-to-image request whose prompt says texture, or whose Tile X/Y switch is
    on and whose prompt names a material.
    """
    if request.is_img2img or request.is_inpaint:
        return False
    if says_texture(request.prompt):
        return True
    return (request.tile_x or request.tile_y) and material_named(request.prompt) is not None
