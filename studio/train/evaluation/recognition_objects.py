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


# One object per entry: name | ImageNet index and name, ... | dataset concept; concept ...
# An indented line continues the entry above it; a line starting with # is a heading.
_TABLE = """
# weapons, armour, tools, loot
treasure chest | 492 chest | chest; locked chest; open chest; open treasure chest
bow | 456 bow | bow and arrow; bow arrow; pocket bow
axe | 596 hatchet | axe; wood axe; battle axe; stone axe; war axe
shield | 787 shield | shield; round shield; viking shield; roman shield
armour | 461 breastplate, 524 cuirass, 490 chain mail | breastplate; chest armor; leather armor;
    armor vest
helmet | 518 crash helmet, 560 football helmet, 715 pickelhaube | military helmet; rescue
    worker’s helmet; helmet; viking helmet; spartan helmet
hammer | 587 hammer | hammer; claw hammer; flat hammer
screwdriver | 784 screwdriver | screwdriver
potion bottle | 907 wine bottle, 737 pop bottle, 898 water bottle, 440 beer bottle, 720 pill
    bottle, 438 beaker, 711 perfume | bottle with popping cork; health potion; magic potion;
    standing potion; round bottom flask; wine bottle
torch | 862 torch | torch; primitive torch
padlock | 695 padlock | locked; padlock; plain padlock
backpack | 414 backpack | backpack; light backpack
hourglass | 604 hourglass | hourglass done; hourglass not done; hourglass
candle | 470 candle | candle
clock | 409 analog clock, 892 wall clock, 530 digital clock | alarm clock; mantelpiece clock
teapot | 849 teapot | teapot
cup | 968 cup, 504 coffee mug | hot beverage; coffee cup; coffee mug; teacup without handle
guitar | 402 acoustic guitar, 546 electric guitar | guitar
drum | 541 drum | drum
jack-o'-lantern | 607 jack-o'-lantern | jack-o-lantern; pumpkin lantern
# food
apple | 948 Granny Smith | red apple; green apple; shiny apple
banana | 954 banana | banana
strawberry | 949 strawberry | strawberry
orange | 950 orange | tangerine; orange
lemon | 951 lemon | lemon
pineapple | 953 pineapple | pineapple
mushroom | 947 mushroom, 992 agaric, 997 bolete | mushroom; brown mushroom
pizza | 963 pizza | pizza; full pizza; pizza slice
burger | 933 cheeseburger | hamburger
ice cream | 928 ice cream, 929 ice lolly | ice cream; soft ice cream; ice cream cone
# animals
frog | 30 bullfrog, 31 tree frog, 32 tailed frog | frog
snail | 113 snail | snail
spider | 72 black and gold garden spider, 73 barn spider, 74 garden spider, 75 black widow, 76
    tarantula, 77 wolf spider | spider; spider alt
bee | 309 bee | honeybee; bee
butterfly | 321 admiral, 322 ringlet, 323 monarch, 324 cabbage butterfly, 325 sulphur butterfly,
    326 lycaenid | butterfly
turtle | 33 loggerhead, 34 leatherback turtle, 35 mud turtle, 36 terrapin, 37 box turtle |
    turtle; sea turtle
owl | 24 great grey owl | owl; barn owl
fish | 1 goldfish, 393 anemone fish, 392 rock beauty | fish; tropical fish
chicken | 7 cock, 8 hen | chicken; rooster
cat | 281 tabby, 282 tiger cat, 283 Persian cat, 284 Siamese cat, 285 Egyptian cat | cat; black
    cat
crab | 118 Dungeness crab, 119 rock crab, 120 fiddler crab, 121 king crab, 125 hermit crab |
    crab
snake | 52 thunder snake, 53 ringneck snake, 54 hognose snake, 55 green snake, 56 king snake, 57
    garter snake, 58 water snake, 59 vine snake, 60 night snake, 61 boa constrictor, 62 rock
    python, 63 Indian cobra, 64 green mamba, 65 sea snake, 66 horned viper, 67 diamondback, 68
    sidewinder | snake
"""


def _parse(table: str) -> tuple[RecognitionObject, ...]:
    entries: list[str] = []
    for line in table.strip().splitlines():
        if line.startswith(" "):
            entries[-1] += " " + line.strip()
        elif not line.startswith("#"):
            entries.append(line)
    objects = []
    for entry in entries:
        name, classes, concepts = (part.strip() for part in entry.split("|"))
        pairs = [part.strip().split(" ", 1) for part in classes.split(",")]
        objects.append(
            RecognitionObject(
                name,
                tuple((int(index), label) for index, label in pairs),
                tuple(concept.strip() for concept in concepts.split(";")),
            )
        )
    return tuple(objects)


RECOGNITION_OBJECTS: tuple[RecognitionObject, ...] = _parse(_TABLE)
