"""Templates expand to every combination; wildcards and seeded picks; specs name file and line."""

from __future__ import annotations

import pytest

from studio.domain.batch_items import build_items
from studio.domain.batch_spec import SpecContext, parse_spec
from studio.domain.batch_template import TemplateError, count_prompts, expand_template
from studio.domain.errors import InvalidRequestError

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
        ("s.jsonl", "{oops\n", "s.jsonl, line 1: not JSON"),
        ("s.txt", "ok\n{broken\n", "s.txt, line 2: Template '{broken'"),
        ("s.txt", "# only a comment\n", "s.txt: no prompts"),
    ],
)
def test_bad_specs_are_one_line_naming_file_and_line(name: str, text: str, message: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        parse_spec(text, name, SpecContext({}, 0))
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
