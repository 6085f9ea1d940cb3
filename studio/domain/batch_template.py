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
its errors) stays with the caller. The count of a template is known without expanding it,
which is what the preview in the GUI and ``studio batch --dry-run`` show.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from studio.domain.errors import InvalidRequestError

WildcardLookup = Callable[[str], Sequence[str]]
"""Returns the lines of wildcard ``name`` or raises :class:`InvalidRequestError`."""

MAX_EXPANSION = 100_000
_WILDCARD = re.compile(r"__([A-Za-z0-9][A-Za-z0-9_./-]*?)__")
_PICK = re.compile(r"\[(\d+)\]")
_ESCAPABLE = "{}|[]_\\"


class TemplateError(InvalidRequestError):
    """A template that cannot be expanded; the message says where and how to fix it."""


@dataclass(frozen=True)
class _Text:
    text: str


@dataclass(frozen=True)
class _Choice:
    alternatives: tuple[tuple[object, ...], ...]
    pick: int | None
    position: int  # where the group starts, so each group draws its own random picks


@dataclass(frozen=True)
class Template:
    """A parsed template: :meth:`count` and :meth:`expand` without re-reading the text."""

    source: str
    parts: tuple[object, ...]

    def count(self) -> int:
        """How many prompts :meth:`expand` yields."""
        return _count(self.parts)

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
                f"Template {self.source!r} makes {total} prompts; "
                f"split it or use [n] picks to stay under {MAX_EXPANSION}."
            )
        return [" ".join(prompt.split()) for prompt in _expand(self.parts, seed)]


def parse_template(text: str, wildcards: WildcardLookup | None = None) -> Template:
    """Parse a template, reading wildcards through ``wildcards``.

    Raises
    ------
    TemplateError
        For an unbalanced brace, a pick of none, or a wildcard that is missing, empty or uses
        itself; the message names the character position. A pick of more alternatives than
        there are takes them all.
    """
    parser = _Parser(text, wildcards, stack=())
    parts = parser.parse_sequence(top_level=True)
    return Template(text, parts)


def count_prompts(text: str, wildcards: WildcardLookup | None = None) -> int:
    """How many prompts ``text`` expands to (the preview count)."""
    return parse_template(text, wildcards).count()


def expand_template(text: str, seed: int = 0, wildcards: WildcardLookup | None = None) -> list[str]:
    """Every prompt ``text`` stands for; ``seed`` decides the ``[n]`` picks."""
    return parse_template(text, wildcards).expand(seed)


class _Parser:
    def __init__(self, text: str, wildcards: WildcardLookup | None, stack: tuple[str, ...]):
        self._text = text
        self._at = 0
        self._wildcards = wildcards
        self._stack = stack  # wildcard names being expanded, to refuse a loop

    def _fail(self, message: str, at: int | None = None) -> TemplateError:
        where = self._at if at is None else at
        return TemplateError(f"Template {self._text!r}, character {where + 1}: {message}")

    def parse_sequence(self, *, top_level: bool) -> tuple[object, ...]:
        parts: list[object] = []
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
                    raise self._fail(
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
        return tuple(parts)

    def _parse_choice(self) -> _Choice:
        start = self._at
        self._at += 1  # the "{"
        alternatives = [self.parse_sequence(top_level=False)]
        while self._at < len(self._text) and self._text[self._at] == "|":
            self._at += 1
            alternatives.append(self.parse_sequence(top_level=False))
        if self._at >= len(self._text):
            raise self._fail("this '{' is never closed; add a '}'", at=start)
        self._at += 1  # the "}"
        return _Choice(tuple(alternatives), self._pick(), start)

    def _wildcard(self, name: str, start: int) -> _Choice:
        if self._wildcards is None:
            raise self._fail(f"wildcard __{name}__ needs a wildcard folder", at=start)
        if name in self._stack:
            raise self._fail(f"wildcard __{name}__ uses itself", at=start)
        lines = [
            line.strip()
            for line in self._wildcards(name)
            if line.strip() and not line.lstrip().startswith("#")
        ]
        if not lines:
            raise self._fail(f"wildcard __{name}__ has no lines", at=start)
        alternatives = []
        for line in lines:
            inner = _Parser(line, self._wildcards, (*self._stack, name))
            alternatives.append(inner.parse_sequence(top_level=True))
        return _Choice(tuple(alternatives), self._pick(), start)

    def _pick(self) -> int | None:
        match = _PICK.match(self._text, self._at)
        if match is None:
            return None
        if int(match.group(1)) == 0:
            raise self._fail("[0] picks nothing; pick at least [1]")
        self._at = match.end()
        return int(match.group(1))


def _count(parts: tuple[object, ...]) -> int:
    return math.prod(_count_choice(part) for part in parts if isinstance(part, _Choice))


def _count_choice(choice: _Choice) -> int:
    options = sum(_count(alternative) for alternative in choice.alternatives)
    return options if choice.pick is None else min(choice.pick, options)


def _expand(parts: tuple[object, ...], seed: int) -> Iterator[str]:
    pieces = [
        [part.text] if isinstance(part, _Text) else _choice_options(part, seed) for part in parts
    ]
    for combination in itertools.product(*pieces):
        yield "".join(combination)


def _choice_options(choice: _Choice, seed: int) -> list[str]:
    options = [text for alt in choice.alternatives for text in _expand(alt, seed)]
    if choice.pick is None or choice.pick >= len(options):
        return options
    # Seeded by the batch seed and the group's place, so two groups draw independently and
    # the same seed always picks the same; the picks keep the template's order.
    rng = random.Random(f"{seed}:{choice.position}:{len(options)}")
    chosen = sorted(rng.sample(range(len(options)), choice.pick))
    return [options[i] for i in chosen]
