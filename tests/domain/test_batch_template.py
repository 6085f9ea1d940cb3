"""Templates expand to every combination; wildcards and seeded picks; specs name file and line."""

from __future__ import annotations

import pytest

from studio.domain.batch_items import build_items
from studio.domain.batch_spec import SpecContext, parse_spec
from studio.domain.batch_template import count_prompts, expand_template
from studio.domain.errors import InvalidRequestError
from studio.domain.template_tree import TemplateError

WILDCARDS = {
    "colour": ["red", "green", "# a comment", "", "blue", "gold"],
    "shape": ["round", "{tall|short}"],
    "loop": ["__loop__"],
}.__getitem__


def test_groups_give_every_combination_first_group_slowest() -> None:
    assert expand_template("{red|green|blue} {potion|sword}") == [
        "red potion",
        "red sword",
        "green potion",
        "green sword",
        "blue potion",
        "blue sword",
    ]
    assert count_prompts("{red|green|blue} {potion|sword}") == 6


def test_nested_groups_and_escapes() -> None:
    assert expand_template("{small {red|blue}|huge} gem") == [
        "small red gem",
        "small blue gem",
        "huge gem",
    ]
    assert expand_template(r"a \{b\|c\} d") == ["a {b|c} d"]


def test_wildcards_read_lines_and_may_hold_templates() -> None:
    prompts = expand_template("__colour__ __shape__ flask", wildcards=WILDCARDS)
    assert len(prompts) == 4 * 3 == count_prompts("__colour__ __shape__", WILDCARDS)
    assert "gold short flask" in prompts and "# a comment round flask" not in prompts


def test_picks_are_seeded_and_counted() -> None:
    first = expand_template("__colour__[2] {a|b|c|d|e}[3]", seed=7, wildcards=WILDCARDS)
    assert first == expand_template("__colour__[2] {a|b|c|d|e}[3]", seed=7, wildcards=WILDCARDS)
    assert len(first) == 6 == count_prompts("__colour__[2] {a|b|c|d|e}[3]", WILDCARDS)
    others = {tuple(expand_template("{a|b|c|d|e|f|g|h}[2]", seed=seed)) for seed in range(20)}
    assert len(others) > 5  # the seed really decides the pick
    assert expand_template("{a|b}[5]") == ["a", "b"]  # more than there are takes them all


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{a|b", "never closed"),
        ("a}b", "outside a"),
        ("{a|b}[0]", "picks nothing"),
        ("__loop__", "uses itself"),
    ],
)
def test_bad_templates_say_where(template: str, words: str) -> None:
    with pytest.raises(TemplateError, match=words):
        expand_template(template, wildcards=WILDCARDS)


def test_items_have_stable_ids_and_seeds_however_split() -> None:
    context = SpecContext({"model": "builtin-vae", "width": 64, "height": 64}, batch_seed=3)
    items = build_items(parse_spec("{a|b|c} potion\na potion\n", "set.txt", context), 3)
    assert len(items) == 4 and len({item.id for item in items}) == 4  # duplicates kept apart
    again = build_items(parse_spec("{a|b|c} potion\na potion\n", "set.txt", context), 3)
    assert [(i.id, i.request.seed) for i in items] == [(i.id, i.request.seed) for i in again]
    # A spec holding only the last two prompts gives those items the same ids and seeds.
    part = build_items(parse_spec("c potion\n", "part.txt", context), 3)
    assert (part[0].id, part[0].request.seed) == (items[2].id, items[2].request.seed)
    other_seed = build_items(parse_spec("c potion\n", "part.txt", context), 4)
    assert other_seed[0].id == part[0].id and other_seed[0].request.seed != part[0].request.seed


def test_csv_rows_take_any_request_field_and_count_expands() -> None:
    text = (
        'prompt,steps,size,seed,batch_count,transparent_background\n"{a|b} orb",3,32x48,10,2,yes\n'
    )
    items = build_items(parse_spec(text, "set.csv", SpecContext({}, 0)), 0)
    assert [i.request.prompt for i in items] == ["a orb", "a orb", "b orb", "b orb"]
    assert [i.request.seed for i in items] == [10, 11, 10, 11]
    assert items[0].request.steps == 3 and (items[0].request.width, items[0].request.height) == (
        32,
        48,
    )
    assert items[0].request.transparent_background is True
    assert items[0].origin == "set.csv, line 2"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("s.csv", "prompt,stpes\nx,1\n", "s.csv, line 1: unknown field 'stpes'"),
        ("s.csv", "prompt,steps\nx,2\ny,0\n", "s.csv, line 3: Steps 0 is out of range"),
        ("s.csv", "prompt,steps\nx,abc\n", "s.csv, line 2: steps 'abc' is not a whole number"),
        ("s.jsonl", '{"prompt": "a"}\n{"prompt": "b", "cfg_scale": "x"}\n', "s.jsonl, line 2"),
        ("s.jsonl", '{"prompt": "a"}\n[1]\n', "s.jsonl, line 2: a JSON object is needed"),
        ("s.jsonl", "{oops\n", "s.jsonl, line 1: the row is not valid JSON"),
        ("s.txt", "ok\n{broken\n", "s.txt, line 2: Template '{broken'"),
        ("s.txt", "# only a comment\n", "s.txt: no prompts"),
        (
            "s.csv",
            "prompt,references\nx,hero.png\n",
            "s.csv, line 1: references: write each in a 'reference' column as FILE[:WEIGHT], "
            "several separated by ';'.",
        ),
        (
            "s.jsonl",
            '{"prompt": "a", "controls": []}\n',
            "s.jsonl, line 1: controls: write each in",
        ),
    ],
)
def test_bad_specs_are_one_line_naming_file_and_line(name: str, text: str, message: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        parse_spec(text, name, SpecContext({}, 0))
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_every_request_field_is_a_spec_column_but_outpaint() -> None:
    from dataclasses import fields

    from studio.domain.batch_fields import COLUMN_NAMES, NOT_IN_SPECS, UNIT_COLUMNS
    from studio.domain.requests import GenerationRequest

    names = {item.name for item in fields(GenerationRequest)}
    # The units are written in their own columns, as the CLI's flags (test_batch_units.py).
    units = {"controls", "references"}
    assert set(COLUMN_NAMES) == (names - set(NOT_IN_SPECS) - units) | {"size", *UNIT_COLUMNS}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("v.csv", "prompt,variation_seed,variation_strength,tile_x,mask_blur\nb,7,0.25,yes,8\n"),
        (
            "v.jsonl",
            '{"prompt": "b", "variation_seed": 7, "variation_strength": 0.25, "tile_x": true, '
            '"mask_blur": 8}\n',
        ),
        (
            "v.jsonl",
            '{"prompt": "b", "variation_seed": "7", "variation_strength": "0.25", '
            '"tile_x": "yes", "mask_blur": "8"}\n',
        ),
    ],
)
def test_variations_and_edit_fields_are_settable_from_rows(name: str, text: str) -> None:
    (draft,) = parse_spec(text, name, SpecContext({}, 0))
    request = draft.request
    assert (request.variation_seed, request.variation_strength) == (7, 0.25)
    assert request.tile_x is True and request.mask_blur == 8


def test_init_and_mask_images_are_read_once_per_spec() -> None:
    reads: list[tuple[str, str]] = []

    def read(path: str, field: str) -> bytes:
        reads.append((path, field))
        return f"{field}:{path}".encode()

    text = "prompt,init_image,mask_image\n{a|b},in.png,m.png\nc,in.png,\n"
    drafts = parse_spec(text, "e.csv", SpecContext({}, 0, None, read))
    assert [d.request.init_image for d in drafts] == [b"init_image:in.png"] * 3
    assert (
        drafts[0].request.mask_image == b"mask_image:m.png" and drafts[2].request.mask_image is None
    )
    assert sorted(reads) == [("in.png", "init_image"), ("m.png", "mask_image")]


def test_a_wildcard_reused_deeper_still_counts_its_nesting() -> None:
    deep = "{" * 30 + "x" + "}" * 30  # fine on its own: 30 groups inside the wildcard
    lookup = {"deep": [deep], "wrap": ["{__deep__}"]}.__getitem__
    assert expand_template("__deep__ __deep__", wildcards=lookup) == ["x x"]
    with pytest.raises(TemplateError, match="nest more than"):
        expand_template("__deep__ {{__wrap__}}", wildcards=lookup)


def test_an_error_inside_a_wildcard_names_the_wildcard_and_its_line() -> None:
    lookup = {"bad": ["# note", "fine", "{oops"]}.__getitem__
    with pytest.raises(TemplateError, match=r"wildcard __bad__ line 3"):
        expand_template("__bad__", wildcards=lookup)


def test_expansion_is_deterministic_and_shared_by_dry_run_and_run() -> None:
    # ``studio batch --dry-run`` and the real run both call parse_spec: the same spec and
    # seed give the same prompts in the same order, picks included.
    text = "{a|b|c|d}[2] {x|y}\n{p|q|r}[1] gem\n"
    first = [d.request.prompt for d in parse_spec(text, "s.txt", SpecContext({}, 9))]
    again = [d.request.prompt for d in parse_spec(text, "s.txt", SpecContext({}, 9))]
    assert first == again and len(first) == 5
