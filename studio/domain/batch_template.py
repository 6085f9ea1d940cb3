"""Prompt templates that expand to a set: ``{red|green} {potion|sword}`` gives four prompts.

Syntax
------
``{a|b|c}``
    One of the alternatives; several groups give every combination. Groups nest:
    ``{small {red|blue}|huge}`` gives three prompts.
``__name__``
    A wildcard: each line of the text file ``name.txt`` is one alternative (blank lines and
    lines starting with ``#`` are skipped). Lines may themselves hold templates.
``[n]`` right after a group or a wildcard
    Pick ``n`` of its alternatives at random with the batch seed (the same seed picks the same).
``\\{``, ``\\}``, ``\\|``, ``\\[``, ``\\_``
    The character itself.

The module is pure: wildcard files reach it through a lookup function, so the reading (and
its errors) stays with the caller. Every template is bounded before anything is built
(RELIABILITY 23): nesting is counted while parsing, each node knows how many prompts it makes
and how long the longest is, and a prompt is built from its index, so ``{...}[1]`` over 2**40
options builds one prompt, not 2**40.
"""

from __future__ import annotations

import bisect
import random
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from studio.domain.errors import InvalidRequestError

WildcardLookup = Callable[[str], Sequence[str]]
"""Returns the lines of wildcard ``name`` or raises :class:`InvalidRequestError`."""

MAX_EXPANSION = 100_000
"""Most prompts (or images, for a whole spec) one batch makes."""
MAX_NESTING = 32
"""Most groups and wildcards inside one another; no real template comes close."""
MAX_PROMPT_CHARS = 10_000
"""Longest prompt a template may make (the text encoders read a few hundred characters)."""
MAX_BUILD_STEPS = 10_000_000
"""Most steps (text pieces and groups visited) building a whole template or spec may take:
a few seconds. Prompts times the steps of the longest path, so 100,000 prompts may each have
100 pieces, and thousands of empty ``{}`` cannot make a small count slow."""

# Counts and lengths stop growing here: past it only "too many" matters, and the arithmetic
# stays on small numbers however many groups a template holds.
_CEILING = 1 << 256
_WILDCARD = re.compile(r"__([A-Za-z0-9][A-Za-z0-9_./-]*?)__")
_PICK = re.compile(r"\[(\d+)\]")
_ESCAPABLE = "{}|[]_\\"
_SHOWN = 60


class TemplateError(InvalidRequestError):
    """A template that cannot be expanded; the message says where and how to fix it."""


@dataclass(frozen=True)
class _Text:
    text: str


@dataclass(frozen=True, eq=False)
class _Sequence:
    """Text and groups one after another; ``count`` prompts, none longer than ``length``."""

    parts: tuple[_Text | _Choice, ...]
    count: int = field(init=False)
    length: int = field(init=False)
    height: int = field(init=False)  # groups nested inside, for the depth of a reused wildcard
    steps: int = field(init=False)  # most nodes that building one prompt visits

    def __post_init__(self) -> None:
        count, length, height, steps = 1, 0, 0, 1
        for part in self.parts:
            if isinstance(part, _Text):
                length += len(part.text)
                steps += 1
            else:
                count = min(count * part.count, _CEILING)
                length += part.length
                height = max(height, part.height)
                steps += part.steps
        object.__setattr__(self, "count", count)
        object.__setattr__(self, "length", min(length, _CEILING))
        object.__setattr__(self, "height", height)
        object.__setattr__(self, "steps", min(steps, _CEILING))


@dataclass(frozen=True, eq=False)
class _Choice:
    """One of ``alternatives``, or ``pick`` of them chosen with the seed."""

    alternatives: tuple[_Sequence, ...]
    pick: int | None
    position: int  # where the group starts, so each group draws its own random picks
    options: int = field(init=False)
    count: int = field(init=False)
    length: int = field(init=False)
    height: int = field(init=False)
    steps: int = field(init=False)
    starts: tuple[int, ...] = field(init=False)  # first option of each alternative

    def __post_init__(self) -> None:
        starts, options = [], 0
        for alt in self.alternatives:
            starts.append(options)
            options = min(options + alt.count, _CEILING)
        object.__setattr__(self, "starts", tuple(starts))
        object.__setattr__(self, "options", options)
        object.__setattr__(self, "steps", 1 + max(alt.steps for alt in self.alternatives))
        object.__setattr__(self, "count", options if self.pick is None else min(self.pick, options))
        object.__setattr__(self, "length", max(alt.length for alt in self.alternatives))
        object.__setattr__(self, "height", 1 + max(alt.height for alt in self.alternatives))

    @property
    def picks_some(self) -> bool:
        return self.pick is not None and self.pick < self.options


@dataclass(frozen=True)
class Template:
    """A parsed template: :meth:`count` and :meth:`expand` without re-reading the text."""

    source: str
    root: _Sequence

    def count(self) -> int:
        """How many prompts :meth:`expand` yields (at most 2**256: past that, "too many")."""
        return self.root.count

    def build_steps(self) -> int:
        """At most how many steps :meth:`expand` takes (see :data:`MAX_BUILD_STEPS`)."""
        return min(self.root.count * self.root.steps, _CEILING)

    def expand(self, seed: int = 0) -> list[str]:
        """Every prompt, in a stable order (the first group varies slowest).

        Raises
        ------
        TemplateError
            If the set would pass :data:`MAX_EXPANSION` prompts.
        """
        total = self.count()
        if total > MAX_EXPANSION:
            raise TemplateError(
                f"Template {_shown(self.source)} makes {describe_count(total)} prompts; "
                f"split it or use [n] picks to stay under {MAX_EXPANSION:,}."
            )
        if self.build_steps() > MAX_BUILD_STEPS:
            raise TemplateError(
                f"Template {_shown(self.source)} makes {total:,} prompts of up to "
                f"{self.root.steps:,} pieces each, too many to build; remove empty groups "
                "or split it."
            )
        builder = _Builder(seed)
        return [builder.prompt(self.root, index) for index in range(total)]


def describe_count(count: int) -> str:
    """A count for a message: ``"65,536"``, or ``"more than 10^77"`` past the ceiling."""
    return f"{count:,}" if count < _CEILING else "more than 10^77"


class TemplateParser:
    """Parses templates that share wildcards: each wildcard is looked up and parsed once.

    One parser serves a whole spec, so a wildcard that a thousand lines use costs one read
    and one parse.
    """

    def __init__(self, wildcards: WildcardLookup | None = None) -> None:
        self._wildcards = wildcards
        self._bodies: dict[str, tuple[_Sequence, ...]] = {}

    def parse(self, text: str) -> Template:
        """Parse ``text``; see :func:`parse_template`."""
        root = _Parser(text, self, stack=(), depth=0, where=None).parse_sequence(top_level=True)
        template = Template(text, root)
        if root.length > MAX_PROMPT_CHARS:
            raise TemplateError(
                f"Template {_shown(text)} can make a prompt of {describe_count(root.length)} "
                f"characters; Studio takes up to {MAX_PROMPT_CHARS:,}: shorten its wildcards."
            )
        return template

    def wildcard(self, name: str, parser: _Parser, start: int) -> tuple[_Sequence, ...]:
        """The parsed lines of wildcard ``name``, used by ``parser`` at ``start``."""
        if self._wildcards is None:
            raise parser.fail(f"wildcard __{name}__ needs a wildcard folder", at=start)
        if name in parser.stack:
            chain = (*parser.stack[parser.stack.index(name) :], name)
            loop = " -> ".join(f"__{link}__" for link in chain)
            raise parser.fail(f"wildcard __{name}__ uses itself ({loop}); break the loop", start)
        body = self._bodies.get(name)
        if body is None:
            body = self._parse_body(name, parser, start)
            self._bodies[name] = body
        elif parser.depth + 1 + max(alt.height for alt in body) > MAX_NESTING:
            raise parser.too_deep(start)
        return body

    def _parse_body(self, name: str, parser: _Parser, start: int) -> tuple[_Sequence, ...]:
        assert self._wildcards is not None
        lines = [
            (number, line.strip())
            for number, line in enumerate(self._wildcards(name), start=1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
        if not lines:
            raise parser.fail(f"wildcard __{name}__ has no lines", at=start)
        stack = (*parser.stack, name)
        return tuple(
            _Parser(
                line, self, stack, parser.depth + 1, f"wildcard __{name}__ line {number}"
            ).parse_sequence(top_level=True)
            for number, line in lines
        )


def parse_template(text: str, wildcards: WildcardLookup | None = None) -> Template:
    """Parse a template, reading wildcards through ``wildcards``.

    Raises
    ------
    TemplateError
        For an unbalanced brace, a pick of none or of more than :data:`MAX_EXPANSION`, nesting
        deeper than :data:`MAX_NESTING`, a prompt longer than :data:`MAX_PROMPT_CHARS`, or a
        wildcard that is missing, empty or uses itself; the message names the character
        position. A pick of more alternatives than there are takes them all.
    """
    return TemplateParser(wildcards).parse(text)


def count_prompts(text: str, wildcards: WildcardLookup | None = None) -> int:
    """How many prompts ``text`` expands to (the preview count)."""
    return parse_template(text, wildcards).count()


def expand_template(text: str, seed: int = 0, wildcards: WildcardLookup | None = None) -> list[str]:
    """Every prompt ``text`` stands for; ``seed`` decides the ``[n]`` picks."""
    return parse_template(text, wildcards).expand(seed)


class _Parser:
    def __init__(
        self,
        text: str,
        owner: TemplateParser,
        stack: tuple[str, ...],
        depth: int,
        where: str | None,
    ) -> None:
        self._text = text
        self._at = 0
        self._owner = owner
        self.stack = stack  # wildcard names being expanded, to refuse a loop
        self.depth = depth  # groups and wildcards open around the current character
        self._where = where  # which wildcard file and line the text comes from, if any

    def fail(self, message: str, at: int | None = None) -> TemplateError:
        where = self._at if at is None else at
        origin = f" ({self._where})" if self._where else ""
        return TemplateError(
            f"Template {_shown(self._text)}{origin}, character {where + 1}: {message}"
        )

    def too_deep(self, at: int) -> TemplateError:
        return self.fail(
            f"groups and wildcards nest more than {MAX_NESTING} deep; flatten the template", at
        )

    def parse_sequence(self, *, top_level: bool) -> _Sequence:
        parts: list[_Text | _Choice] = []
        literal: list[str] = []

        def flush() -> None:
            if literal:
                parts.append(_Text("".join(literal)))
                literal.clear()

        text = self._text
        while self._at < len(text):
            char = text[self._at]
            if char == "\\" and self._at + 1 < len(text) and text[self._at + 1] in _ESCAPABLE:
                literal.append(text[self._at + 1])
                self._at += 2
            elif char == "{":
                flush()
                parts.append(self._parse_choice())
            elif char in "|}":
                if top_level:
                    raise self.fail(
                        f"{char!r} outside a {{...}} group; write \\{char} for the sign"
                    )
                break
            elif char == "_" and (match := _WILDCARD.match(text, self._at)):
                flush()
                self._at = match.end()
                parts.append(self._wildcard(match.group(1), match.start()))
            else:
                literal.append(char)
                self._at += 1
        flush()
        return _Sequence(tuple(parts))

    def _parse_choice(self) -> _Choice:
        start = self._at
        # Checked before descending, so no nesting reaches Python's recursion limit.
        if self.depth + 1 > MAX_NESTING:
            raise self.too_deep(start)
        self._at += 1  # the "{"
        self.depth += 1
        alternatives = [self.parse_sequence(top_level=False)]
        while self._at < len(self._text) and self._text[self._at] == "|":
            self._at += 1
            alternatives.append(self.parse_sequence(top_level=False))
        self.depth -= 1
        if self._at >= len(self._text):
            raise self.fail("this '{' is never closed; add a '}'", at=start)
        self._at += 1  # the "}"
        return _Choice(tuple(alternatives), self._pick(), start)

    def _wildcard(self, name: str, start: int) -> _Choice:
        if self.depth + 1 > MAX_NESTING:
            raise self.too_deep(start)
        body = self._owner.wildcard(name, self, start)
        return _Choice(body, self._pick(), start)

    def _pick(self) -> int | None:
        match = _PICK.match(self._text, self._at)
        if match is None:
            return None
        digits = match.group(1).lstrip("0")
        # Sized before int(): Python refuses to convert more than 4300 digits.
        if len(digits) > len(str(MAX_EXPANSION)) or int(digits or "0") > MAX_EXPANSION:
            raise self.fail(f"a pick takes at most [{MAX_EXPANSION}]; pick fewer")
        if not digits:
            raise self.fail("[0] picks nothing; pick at least [1]")
        self._at = match.end()
        return int(digits)


class _Builder:
    """Builds the prompt at an index without building any other (RELIABILITY 23)."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._picks: dict[int, list[int]] = {}  # id of a picking group -> its chosen options

    def prompt(self, root: _Sequence, index: int) -> str:
        out: list[str] = []
        self._sequence(root, index, out)
        return " ".join("".join(out).split())

    def _sequence(self, sequence: _Sequence, index: int, out: list[str]) -> None:
        # Mixed radix with the first group as the most significant digit: it varies slowest.
        digits: list[int] = []
        for part in reversed(sequence.parts):
            if isinstance(part, _Choice):
                index, digit = divmod(index, part.count)
                digits.append(digit)
        for part in sequence.parts:
            if isinstance(part, _Text):
                out.append(part.text)
            else:
                self._choice(part, digits.pop(), out)

    def _choice(self, choice: _Choice, index: int, out: list[str]) -> None:
        if choice.picks_some:
            index = self._picked(choice)[index]
        # A bisection, not a scan: a wildcard of 10,000 lines costs 14 comparisons a prompt.
        which = bisect.bisect_right(choice.starts, index) - 1
        self._sequence(choice.alternatives[which], index - choice.starts[which], out)

    def _picked(self, choice: _Choice) -> list[int]:
        chosen = self._picks.get(id(choice))
        if chosen is None:
            chosen = _pick_indices(choice, self._seed)
            self._picks[id(choice)] = chosen
        return chosen


def _pick_indices(choice: _Choice, seed: int) -> list[int]:
    # Seeded by the batch seed and the group's place, so two groups draw independently and
    # the same seed always picks the same; the picks keep the template's order.
    assert choice.pick is not None
    rng = random.Random(f"{seed}:{choice.position}:{choice.options}")
    if choice.options <= sys.maxsize:
        return sorted(rng.sample(range(choice.options), choice.pick))
    # Too many options for a range's length: draw indices until enough are distinct (among
    # more than 2**63 options a repeat is all but impossible, so this loop ends at once).
    chosen: set[int] = set()
    while len(chosen) < choice.pick:
        chosen.add(rng.randrange(choice.options))
    return sorted(chosen)


def _shown(text: str) -> str:
    """``text`` quoted for a message, cut to a readable length."""
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "...")
