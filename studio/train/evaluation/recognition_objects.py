"""Which ImageNet classes stand for each game object, and which real icons draw it.

Data, not code: the recognition scorer (:mod:`studio.train.evaluation.recognition`) reads an
object's ImageNet classes (index and torchvision's name for it, checked against the real class
list by a test) and the dataset concepts of the Fluent 3D, Fluent flat, Noto and game-icons
images of it (its ceiling). Objects that ImageNet has no class for (sword, key, gem, crown,
dragon, slime) are left out on purpose: a classifier cannot say whether a sprite shows them.
Some mappings are near misses and said so: ImageNet's "chest" is a wooden chest, its "torch" a
burning torch, its only apple the green Granny Smith and its helmets modern ones.
"""

from __future__ import annotations

from dataclasses import dataclass

Classes = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class RecognitionObject:
    """One object the scorer can recognise.

    Parameters
    ----------
    name
        How the recognition prompts name it (:mod:`studio.train.data.recognition_prompts`).
    classes
        ``(ImageNet index, class name)`` pairs whose softmax probabilities add up to the
        object's.
    concepts
        Dataset ``concept`` values of real icons of the object (the ceiling's images).
    """

    name: str
    classes: Classes
    concepts: tuple[str, ...]


def _obj(name: str, classes: Classes, *concepts: str) -> RecognitionObject:
    return RecognitionObject(name, classes, concepts)


_SPIDERS: Classes = ((72, "black and gold garden spider"), (73, "barn spider"))
_SPIDERS += ((74, "garden spider"), (75, "black widow"), (76, "tarantula"), (77, "wolf spider"))
_BUTTERFLIES: Classes = ((321, "admiral"), (322, "ringlet"), (323, "monarch"))
_BUTTERFLIES += ((324, "cabbage butterfly"), (325, "sulphur butterfly"), (326, "lycaenid"))
_TURTLES: Classes = ((33, "loggerhead"), (34, "leatherback turtle"), (35, "mud turtle"))
_TURTLES += ((36, "terrapin"), (37, "box turtle"))
_CATS: Classes = ((281, "tabby"), (282, "tiger cat"), (283, "Persian cat"), (284, "Siamese cat"))
_CATS += ((285, "Egyptian cat"),)
_CRABS: Classes = ((118, "Dungeness crab"), (119, "rock crab"), (120, "fiddler crab"))
_CRABS += ((121, "king crab"), (125, "hermit crab"))
_SNAKES: Classes = ((52, "thunder snake"), (53, "ringneck snake"), (54, "hognose snake"))
_SNAKES += ((55, "green snake"), (56, "king snake"), (57, "garter snake"), (58, "water snake"))
_SNAKES += ((59, "vine snake"), (60, "night snake"), (61, "boa constrictor"))
_SNAKES += ((62, "rock python"), (63, "Indian cobra"), (64, "green mamba"), (65, "sea snake"))
_SNAKES += ((66, "horned viper"), (67, "diamondback"), (68, "sidewinder"))
_BOTTLES: Classes = ((907, "wine bottle"), (737, "pop bottle"), (898, "water bottle"))
_BOTTLES += ((440, "beer bottle"), (720, "pill bottle"), (438, "beaker"), (711, "perfume"))

RECOGNITION_OBJECTS: tuple[RecognitionObject, ...] = (
    # weapons, armour, tools, loot
    _obj(
        "treasure chest",
        ((492, "chest"),),
        "chest",
        "locked chest",
        "open chest",
        "open treasure chest",
    ),
    _obj("bow", ((456, "bow"),), "bow and arrow", "bow arrow", "pocket bow"),
    _obj("axe", ((596, "hatchet"),), "axe", "wood axe", "battle axe", "stone axe", "war axe"),
    _obj("shield", ((787, "shield"),), "shield", "round shield", "viking shield", "roman shield"),
    _obj(
        "armour",
        ((461, "breastplate"), (524, "cuirass"), (490, "chain mail")),
        "breastplate",
        "chest armor",
        "leather armor",
        "armor vest",
    ),
    _obj(
        "helmet",
        ((518, "crash helmet"), (560, "football helmet"), (715, "pickelhaube")),
        "military helmet",
        "rescue worker’s helmet",
        "helmet",
        "viking helmet",
        "spartan helmet",
    ),
    _obj("hammer", ((587, "hammer"),), "hammer", "claw hammer", "flat hammer"),
    _obj("screwdriver", ((784, "screwdriver"),), "screwdriver"),
    _obj(
        "potion bottle",
        _BOTTLES,
        "bottle with popping cork",
        "health potion",
        "magic potion",
        "standing potion",
        "round bottom flask",
        "wine bottle",
    ),
    _obj("torch", ((862, "torch"),), "torch", "primitive torch"),
    _obj("padlock", ((695, "padlock"),), "locked", "padlock", "plain padlock"),
    _obj("backpack", ((414, "backpack"),), "backpack", "light backpack"),
    _obj("hourglass", ((604, "hourglass"),), "hourglass done", "hourglass not done", "hourglass"),
    _obj("candle", ((470, "candle"),), "candle"),
    _obj(
        "clock",
        ((409, "analog clock"), (892, "wall clock"), (530, "digital clock")),
        "alarm clock",
        "mantelpiece clock",
    ),
    _obj("teapot", ((849, "teapot"),), "teapot"),
    _obj(
        "cup",
        ((968, "cup"), (504, "coffee mug")),
        "hot beverage",
        "coffee cup",
        "coffee mug",
        "teacup without handle",
    ),
    _obj("guitar", ((402, "acoustic guitar"), (546, "electric guitar")), "guitar"),
    _obj("drum", ((541, "drum"),), "drum"),
    _obj("jack-o'-lantern", ((607, "jack-o'-lantern"),), "jack-o-lantern", "pumpkin lantern"),
    # food
    _obj("apple", ((948, "Granny Smith"),), "red apple", "green apple", "shiny apple"),
    _obj("banana", ((954, "banana"),), "banana"),
    _obj("strawberry", ((949, "strawberry"),), "strawberry"),
    _obj("orange", ((950, "orange"),), "tangerine", "orange"),
    _obj("lemon", ((951, "lemon"),), "lemon"),
    _obj("pineapple", ((953, "pineapple"),), "pineapple"),
    _obj(
        "mushroom",
        ((947, "mushroom"), (992, "agaric"), (997, "bolete")),
        "mushroom",
        "brown mushroom",
    ),
    _obj("pizza", ((963, "pizza"),), "pizza", "full pizza", "pizza slice"),
    _obj("burger", ((933, "cheeseburger"),), "hamburger"),
    _obj(
        "ice cream",
        ((928, "ice cream"), (929, "ice lolly")),
        "ice cream",
        "soft ice cream",
        "ice cream cone",
    ),
    # animals
    _obj("frog", ((30, "bullfrog"), (31, "tree frog"), (32, "tailed frog")), "frog"),
    _obj("snail", ((113, "snail"),), "snail"),
    _obj("spider", _SPIDERS, "spider", "spider alt"),
    _obj("bee", ((309, "bee"),), "honeybee", "bee"),
    _obj("butterfly", _BUTTERFLIES, "butterfly"),
    _obj("turtle", _TURTLES, "turtle", "sea turtle"),
    _obj("owl", ((24, "great grey owl"),), "owl", "barn owl"),
    _obj(
        "fish",
        ((1, "goldfish"), (393, "anemone fish"), (392, "rock beauty")),
        "fish",
        "tropical fish",
    ),
    _obj("chicken", ((7, "cock"), (8, "hen")), "chicken", "rooster"),
    _obj("cat", _CATS, "cat", "black cat"),
    _obj("crab", _CRABS, "crab"),
    _obj("snake", _SNAKES, "snake"),
)


def object_names(objects: tuple[RecognitionObject, ...] = RECOGNITION_OBJECTS) -> list[str]:
    """The objects' names, in order."""
    return [obj.name for obj in objects]
