"""Hostile batch specs, templates and wildcard files (issue 18, RELIABILITY 22 and 23).

Every case is refused in one line naming the spec (and line) or the file, quickly: a hang is a
timeout, a crash is a test failure. Nothing here runs a model: specs are parsed and counted,
and what the CLI reads is read through :mod:`studio.cli.batch_inputs`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from studio.cli import main
from studio.cli.batch_inputs import init_reader, read_spec, wildcard_lookup
from studio.domain.batch_spec import SpecContext, parse_spec
from studio.domain.batch_template import expand_template
from studio.domain.errors import InvalidRequestError
from studio.domain.template_tree import MAX_EXPANSION, TemplateError

pytestmark = pytest.mark.timeout(20)

BIG = "9" * 5000  # past Python's int-digit limit (4300): int() would raise ValueError


def _context(**defaults) -> SpecContext:
    return SpecContext({"model": "m", "width": 64, "height": 64, **defaults}, batch_seed=1)


def _refused(text: str, source: str, context: SpecContext | None = None) -> str:
    with pytest.raises(InvalidRequestError) as refused:
        parse_spec(text, source, context or _context())
    message = str(refused.value)
    assert "\n" not in message and len(message) < 600, message
    return message


# --- expansion is counted before it is built -------------------------------------------------


def test_a_chain_of_wildcards_each_using_the_next_twice_is_refused_by_count(tmp_path) -> None:
    for index in range(25):
        (tmp_path / f"w{index}.txt").write_text(f"__w{index + 1}__ and __w{index + 1}__\n")
    (tmp_path / "w25.txt").write_text("end\n")
    lookup = wildcard_lookup(None, tmp_path)
    message = _refused("__w0__\n", "chain.txt", SpecContext({}, 1, lookup))
    assert message.startswith("chain.txt")


def test_a_chain_of_wildcards_picked_once_is_refused_by_prompt_length(tmp_path) -> None:
    # One prompt of 2**25 words: the count is 1, the size is what must be refused.
    for index in range(25):
        (tmp_path / f"w{index}.txt").write_text(f"__w{index + 1}__ and __w{index + 1}__\n")
    (tmp_path / "w25.txt").write_text("end\n")
    lookup = wildcard_lookup(None, tmp_path)
    message = _refused("__w0__[1]\n", "chain.txt", SpecContext({}, 1, lookup))
    assert message.startswith("chain.txt, line 1") and "characters" in message


def test_one_cap_counts_the_whole_spec_not_each_line() -> None:
    line = "{a|b}" * 16  # 65,536 prompts: under the cap alone, 2.6 million in 40 lines
    message = _refused(f"{line}\n" * 40, "big.txt")
    assert message.startswith("big.txt:") and f"{MAX_EXPANSION:,}" in message


@pytest.mark.parametrize("source", ["big.csv", "big.jsonl"])
def test_one_cap_counts_rows_too(source) -> None:
    line = "{a|b}" * 16
    if source.endswith(".csv"):
        text = "prompt\n" + f"{line}\n" * 40
    else:
        text = "".join(json.dumps({"prompt": line}) + "\n" for _ in range(40))
    assert _refused(text, source).startswith(f"{source}:")


def test_per_prompt_counts_towards_the_cap() -> None:
    message = _refused("{a|b}" * 16, "template", _context(batch_count=100))
    assert f"{MAX_EXPANSION:,}" in message


def test_a_row_batch_count_counts_towards_the_cap() -> None:
    text = "prompt,batch_count\n" + ("{a|b}" * 16 + ",100\n")
    assert "big.csv" in _refused(text, "big.csv")


def test_empty_groups_cannot_make_a_small_count_slow() -> None:
    # 65,536 prompts of 20,000 empty groups each: nothing long, but 10**9 steps to build.
    with pytest.raises(TemplateError, match="too many to build"):
        expand_template("{}" * 20_000 + "{a|b}" * 16)
    line = "{}" * 2_000 + "{a|b}" * 10  # 1,024 prompts of 2,000 steps: fine alone
    assert _refused(f"{line}\n" * 10, "slow.txt").startswith("slow.txt: its templates take")


def test_a_pick_of_one_among_two_to_the_forty_builds_only_that_one() -> None:
    prompts = expand_template("{" + "{a|b}" * 40 + "}[1]", seed=3)
    assert len(prompts) == 1 and len(prompts[0]) == 40
    again = expand_template("{" + "{a|b}" * 40 + "}[1]", seed=3)
    assert prompts == again


def test_picks_of_several_among_many_choose_without_expanding() -> None:
    prompts = expand_template("{" + "{a|b}" * 200 + "}[3] {x|y}", seed=5)
    assert len(prompts) == 6 and len(set(prompts)) == 6


# --- depth and number sizes are checked before parsing --------------------------------------


@pytest.mark.parametrize("depth", [200, 5000])
def test_deeply_nested_templates_are_refused(depth) -> None:
    with pytest.raises(TemplateError, match="nest"):
        expand_template("{" * depth + "a" + "}" * depth)


def test_deeply_nested_jsonl_rows_are_refused() -> None:
    row = '{"prompt": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert _refused('{"prompt": "fine"}\n' + row + "\n", "deep.jsonl").startswith(
        "deep.jsonl, line 2"
    )


@pytest.mark.parametrize(
    ("source", "text", "line"),
    [
        ("n.csv", f"prompt,seed\na,{BIG}\n", 2),
        ("n.csv", f"prompt,steps\na,{BIG}\n", 2),
        ("n.csv", f"prompt,cfg_scale\na,{BIG}\n", 2),
        ("n.jsonl", f'{{"prompt": "a", "seed": {BIG}}}\n', 1),
        ("n.jsonl", f'{{"prompt": "a", "steps": "{BIG}"}}\n', 1),
        ("n.jsonl", f'{{"prompt": "a", "seed": {"9" * 4000}}}\n', 1),
        ("n.txt", f"ok\n{{a|b}}[{BIG}]\n", 2),
    ],
)
def test_huge_numbers_are_one_line_naming_file_and_line(source, text, line) -> None:
    assert _refused(text, source).startswith(f"{source}, line {line}")


def test_a_huge_csv_field_is_one_line_naming_file_and_line() -> None:
    text = "prompt,negative_prompt\nfine,\n" + 'a,"' + "x" * 200_000 + '"\n'
    assert _refused(text, "field.csv").startswith("field.csv, line 3")


# --- what the CLI reads: special files, sizes, confinement -----------------------------------


@pytest.fixture(params=["fifo", "zero", "sparse"])
def hostile_file(request, tmp_path):
    """A file that hangs (FIFO), never ends (/dev/zero) or is 2 GB (sparse)."""
    path = tmp_path / "source"
    if request.param == "fifo":
        os.mkfifo(path)
    elif request.param == "zero":
        path.symlink_to("/dev/zero")
    else:
        with open(path, "wb") as stream:
            stream.truncate(2 << 30)
    return path


@pytest.mark.parametrize("suffix", [".txt", ".csv", ".jsonl"])
def test_a_hostile_spec_file_is_refused_before_reading(hostile_file, suffix) -> None:
    spec = hostile_file.with_name(f"spec{suffix}")
    spec.symlink_to(hostile_file)
    with pytest.raises(InvalidRequestError) as refused:
        read_spec(str(spec))
    assert "spec" in str(refused.value)


def test_a_hostile_spec_file_is_one_line_from_the_command(hostile_file, capsys) -> None:
    spec = hostile_file.with_name("spec.csv")
    spec.symlink_to(hostile_file)
    assert main(["batch", str(spec), "--dry-run"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("studio batch: error: ") and "spec.csv" in err and "\n" not in err


def test_a_hostile_wildcard_file_is_refused(hostile_file) -> None:
    (hostile_file.parent / "colour.txt").symlink_to(hostile_file)
    lookup = wildcard_lookup(None, hostile_file.parent)
    message = _refused("__colour__ gem\n", "set.txt", SpecContext({}, 1, lookup))
    assert message.startswith("set.txt, line 1") and "colour" in message


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "secret.txt").write_text("the password\n")
    return secret


@pytest.mark.parametrize(
    "name", ["wildcards/../../secret/secret", "a/../../secret/secret", "a/b/../../../secret/secret"]
)
def test_wildcard_names_cannot_leave_the_wildcard_folders(tmp_path, name) -> None:
    _secret(tmp_path)
    spec_folder = tmp_path / "specs"
    (spec_folder / "wildcards" / "a").mkdir(parents=True)
    (spec_folder / "a" / "b").mkdir(parents=True)  # so every name resolves to the secret file
    lookup = wildcard_lookup(None, spec_folder)
    message = _refused(f"__{name}__\n", "set.txt", SpecContext({}, 1, lookup))
    assert "password" not in message and message.startswith("set.txt, line 1")


def test_a_name_that_is_not_a_wildcard_stays_text(tmp_path) -> None:
    _secret(tmp_path)
    lookup = wildcard_lookup(None, tmp_path / "secret")
    drafts = parse_spec("__../secret/secret__\n", "set.txt", SpecContext({}, 1, lookup))
    assert [draft.request.prompt for draft in drafts] == ["__../secret/secret__"]


def test_a_wildcard_symlink_out_of_the_folder_is_refused(tmp_path) -> None:
    secret = _secret(tmp_path)
    spec_folder = tmp_path / "specs"
    spec_folder.mkdir()
    (spec_folder / "colour.txt").symlink_to(secret / "secret.txt")
    lookup = wildcard_lookup(None, spec_folder)
    message = _refused("__colour__\n", "set.txt", SpecContext({}, 1, lookup))
    assert "password" not in message and "colour" in message


def test_a_wildcard_cycle_is_named(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("x __b__\n")
    (tmp_path / "b.txt").write_text("__c__\n")
    (tmp_path / "c.txt").write_text("y\n__a__\n")
    lookup = wildcard_lookup(None, tmp_path)
    message = _refused("__a__\n", "set.txt", SpecContext({}, 1, lookup))
    assert "__a__ -> __b__ -> __c__ -> __a__" in message


def test_each_wildcard_is_looked_up_once() -> None:
    calls: list[str] = []

    def lookup(name: str) -> list[str]:
        calls.append(name)
        return ["red", "green"] if name == "colour" else ["__colour__ __colour__"]

    drafts = parse_spec("__pair__ __colour__\n__colour__\n", "set.txt", SpecContext({}, 1, lookup))
    assert len(drafts) == 4 * 2 + 2
    assert sorted(calls) == ["colour", "pair"]


def test_a_bad_init_image_names_the_spec_file_and_line(tmp_path) -> None:
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    text = "prompt,init_image\nok,\nbad,broken.png\n"
    context = SpecContext({}, 1, None, init_reader(tmp_path))
    message = _refused(text, "rows.csv", context)
    assert message.startswith("rows.csv, line 3") and "broken.png" in message


def test_wildcards_in_subfolders_and_links_inside_the_folder_still_work(tmp_path) -> None:
    folder = tmp_path / "cards"
    (folder / "colours").mkdir(parents=True)
    (folder / "colours" / "warm.txt").write_text("red\norange\n")
    (folder / "warm.txt").symlink_to(folder / "colours" / "warm.txt")
    lookup = wildcard_lookup(folder, tmp_path / "elsewhere")
    drafts = parse_spec("__colours/warm__ __warm__\n", "set.txt", SpecContext({}, 1, lookup))
    assert len(drafts) == 4 and drafts[0].request.prompt == "red red"


def test_per_prompt_past_the_cap_is_one_line_from_the_command(capsys) -> None:
    assert main(["batch", "{a|b}" * 16, "--per-prompt", "100", "--dry-run"]) == 1
    err = capsys.readouterr().err.strip()
    assert (
        err.startswith("studio batch: error: template: makes 6,553,600 images") and "\n" not in err
    )
