"""Game-object prompts for the recognition score: a tuning set and a held-out set.

All three sets name the same 42 objects (those an ImageNet classifier has classes for, see
:mod:`studio.train.evaluation.recognition_objects`), two prompts per object, but in different
words: the tuning set says ``"a red potion bottle"`` and ``"a red potion bottle, pixel art"``,
the held-out set ``"crimson elixir flask, flat icon"`` and ``"game sprite: azure elixir
flask"`` (another name for the object, other colour words, other phrasings). The
paraphrased set is a third wording of its own (``"game icon of a violet magic potion vial"``,
``"magic potion vial in emerald"``): it asks what the held-out set asks (other names, colour
words beyond the captions' twelve) so methods for that can be chosen without reading the
held-out figures.

Never tune on the held-out set: choose methods, training data and settings by the tuning and
paraphrased sets' figures only, and read the held-out figures once a choice is made. A model
that learnt the tuning phrasings by heart shows it there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PromptSet = Literal["tuning", "paraphrased", "heldout"]
PROMPT_SETS: tuple[PromptSet, ...] = ("tuning", "paraphrased", "heldout")


@dataclass(frozen=True)
class RecognitionPrompt:
    """One prompt and the object it asks for."""

    text: str
    object: str


# object, its tuning noun and colours, its held-out noun and colours
_TABLE: tuple[tuple[str, str, tuple[str, str], str, tuple[str, str]], ...] = (
    ("treasure chest", "treasure chest", ("brown", "red"), "wooden loot chest", ("golden", "oak")),
    ("bow", "bow", ("brown", "green"), "archer's longbow", ("walnut", "elven silver")),
    ("axe", "axe", ("grey", "brown"), "woodcutter's hatchet", ("steel", "rusty")),
    ("shield", "shield", ("blue", "red"), "knight's round buckler", ("silver", "crimson")),
    ("armour", "breastplate armour", ("grey", "blue"), "knight's chest plate", ("iron", "gold")),
    ("helmet", "helmet", ("grey", "green"), "soldier's battle helm", ("bronze", "steel")),
    ("hammer", "hammer", ("grey", "brown"), "blacksmith's mallet", ("iron", "wooden")),
    ("screwdriver", "screwdriver", ("yellow", "red"), "tool for screws", ("orange", "steel")),
    ("potion bottle", "potion bottle", ("red", "blue"), "elixir flask", ("crimson", "azure")),
    ("torch", "torch", ("orange", "brown"), "burning wall torch", ("flaming", "amber")),
    ("padlock", "padlock", ("yellow", "grey"), "locked lock", ("brass", "silver")),
    ("backpack", "backpack", ("green", "brown"), "adventurer's rucksack", ("olive", "tan")),
    ("hourglass", "hourglass", ("yellow", "brown"), "sand timer", ("golden", "wooden")),
    ("candle", "candle", ("white", "red"), "lit wax candle", ("ivory", "scarlet")),
    ("clock", "clock", ("red", "white"), "ticking alarm clock", ("crimson", "silver")),
    ("teapot", "teapot", ("white", "blue"), "porcelain tea kettle", ("cream", "navy")),
    ("cup", "cup", ("white", "brown"), "mug of hot coffee", ("beige", "chocolate")),
    ("guitar", "guitar", ("brown", "red"), "acoustic six-string", ("maple", "cherry")),
    ("drum", "drum", ("red", "blue"), "marching snare drum", ("scarlet", "cobalt")),
    ("jack-o'-lantern", "jack-o'-lantern", ("orange", "yellow"), "carved halloween pumpkin",
     ("amber", "glowing")),
    ("apple", "apple", ("green", "red"), "juicy apple fruit", ("lime", "ruby")),
    ("banana", "banana", ("yellow", "green"), "ripe banana fruit", ("golden", "lime")),
    ("strawberry", "strawberry", ("red", "pink"), "ripe strawberry fruit", ("scarlet", "crimson")),
    ("orange", "orange", ("orange", "yellow"), "tangerine fruit", ("tangerine", "amber")),
    ("lemon", "lemon", ("yellow", "green"), "sour citrus lemon", ("golden", "lime")),
    ("pineapple", "pineapple", ("yellow", "brown"), "tropical pineapple fruit", ("golden", "tan")),
    ("mushroom", "mushroom", ("red", "brown"), "forest toadstool", ("crimson", "tan")),
    ("pizza", "pizza", ("yellow", "red"), "cheese pizza pie", ("golden", "tomato red")),
    ("burger", "burger", ("brown", "yellow"), "cheeseburger sandwich", ("golden", "toasted")),
    ("ice cream", "ice cream", ("pink", "white"), "ice cream cone dessert", ("strawberry pink",
     "vanilla")),
    ("frog", "frog", ("green", "blue"), "pond toad", ("lime", "emerald")),
    ("snail", "snail", ("brown", "yellow"), "garden snail with shell", ("tan", "amber")),
    ("spider", "spider", ("black", "purple"), "giant cave spider", ("dark", "violet")),
    ("bee", "bee", ("yellow", "orange"), "honey bee insect", ("golden", "amber")),
    ("butterfly", "butterfly", ("blue", "orange"), "fluttering butterfly", ("azure", "amber")),
    ("turtle", "turtle", ("green", "brown"), "tortoise with a shell", ("emerald", "olive")),
    ("owl", "owl", ("brown", "grey"), "night owl bird", ("tawny", "snowy")),
    ("fish", "fish", ("orange", "blue"), "goldfish swimming", ("golden", "azure")),
    ("chicken", "chicken", ("white", "brown"), "farm hen", ("cream", "russet")),
    ("cat", "cat", ("grey", "orange"), "tabby kitten", ("silver", "ginger")),
    ("crab", "crab", ("red", "orange"), "beach crab with claws", ("crimson", "coral")),
    ("snake", "snake", ("green", "black"), "coiled serpent", ("emerald", "dark")),
)  # fmt: skip


# object: its paraphrased noun and colours, unlike both the tuning and the held-out wording
_PARAPHRASED: dict[str, tuple[str, tuple[str, str]]] = {
    "treasure chest": ("pirate's treasure box", ("mahogany", "bronze")),
    "bow": ("hunting bow", ("chestnut", "emerald")),
    "axe": ("lumberjack axe", ("iron", "copper")),
    "shield": ("warrior's shield", ("navy", "golden")),
    "armour": ("suit of plate armor", ("steel", "azure")),
    "helmet": ("viking helmet", ("iron", "golden")),
    "hammer": ("war hammer", ("steel", "oak")),
    "screwdriver": ("screw driver with a handle", ("lemon yellow", "crimson")),
    "potion bottle": ("magic potion vial", ("violet", "emerald")),
    "torch": ("wooden torch with fire", ("tan", "copper")),
    "padlock": ("metal lock", ("golden", "iron")),
    "backpack": ("hiking knapsack", ("khaki", "maroon")),
    "hourglass": ("hourglass timer", ("bronze", "sandy")),
    "candle": ("wax candle with flame", ("cream", "crimson")),
    "clock": ("wall clock", ("navy", "golden")),
    "teapot": ("china teapot", ("jade", "white")),
    "cup": ("coffee cup", ("teal", "ivory")),
    "guitar": ("wooden guitar", ("mahogany", "amber")),
    "drum": ("bass drum", ("crimson", "navy")),
    "jack-o'-lantern": ("halloween pumpkin lantern", ("tangerine", "fiery")),
    "apple": ("crisp apple", ("scarlet", "emerald")),
    "banana": ("banana bunch", ("butter yellow", "olive")),
    "strawberry": ("wild strawberry", ("ruby", "rose")),
    "orange": ("orange citrus fruit", ("apricot", "golden")),
    "lemon": ("fresh lemon", ("canary", "chartreuse")),
    "pineapple": ("pineapple with leaves", ("amber", "khaki")),
    "mushroom": ("spotted mushroom cap", ("scarlet", "beige")),
    "pizza": ("pepperoni pizza", ("orange", "crimson")),
    "burger": ("hamburger", ("tan", "amber")),
    "ice cream": ("ice cream cone", ("mint", "chocolate")),
    "frog": ("tree frog", ("emerald", "teal")),
    "snail": ("slow snail", ("beige", "olive")),
    "spider": ("black widow spider", ("charcoal", "crimson")),
    "bee": ("bumblebee", ("amber", "golden")),
    "butterfly": ("monarch butterfly", ("tangerine", "turquoise")),
    "turtle": ("sea turtle", ("jade", "olive")),
    "owl": ("barn owl", ("tan", "ashen")),
    "fish": ("tropical fish", ("turquoise", "coral")),
    "chicken": ("rooster", ("ivory", "chestnut")),
    "cat": ("house cat", ("charcoal", "ginger")),
    "crab": ("sea crab", ("scarlet", "salmon")),
    "snake": ("viper", ("olive", "jade")),
}


def recognition_prompts(which: PromptSet = "heldout") -> list[RecognitionPrompt]:
    """The prompts of one set, two per object, in the objects' order.

    Parameters
    ----------
    which
        ``"tuning"`` or ``"paraphrased"`` (choose methods by them) or ``"heldout"`` (report
        it; never tune on it).
    """
    if which not in PROMPT_SETS:
        raise ValueError(f"unknown prompt set {which!r}; use one of {PROMPT_SETS}")
    prompts: list[RecognitionPrompt] = []
    for obj, noun, colours, other_noun, other_colours in _TABLE:
        if which == "tuning":
            texts = (f"a {colours[0]} {noun}", f"a {colours[1]} {noun}, pixel art")
        elif which == "paraphrased":
            said, (first, second) = _PARAPHRASED[obj]
            texts = (f"game icon of a {first} {said}", f"{said} in {second}")
        else:
            first, second = other_colours
            texts = (f"{first} {other_noun}, flat icon", f"game sprite: {second} {other_noun}")
        prompts.extend(RecognitionPrompt(text, obj) for text in texts)
    return prompts
