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

import re
from collections.abc import Callable, Sequence

from studio.domain.template_tree import (
    MAX_EXPANSION,
    Choice,
    PartSequence,
    Template,
    TemplateError,
    TextPart,
    describe_count,
    shown_template,
)

WildcardLookup = Callable[[str], Sequence[str]]
"""Returns the lines of wildcard ``name`` or raises :class:`InvalidRequestError`."""

MAX_NESTING = 32
"""Most groups and wildcards inside one another; no real template comes close."""
MAX_PROMPT_CHARS = 10_000
"""Longest prompt a template may make (the text encoders read a few hundred characters)."""
_WILDCARD = re.compile(r"__([A-Za-z0-9][A-Za-z0-9_./-]*?)__")
_PICK = re.compile(r"\[(\d+)\]")
_ESCAPABLE = "{}|[]_\\"


class TemplateParser:
    """Parses templates that share wildcards: each wildcard is looked up and parsed once.

    One parser serves a whole spec, so a wildcard that a thousand lines use costs one read
    and one parse.
    """

    def __init__(self, wildcards: WildcardLookup | None = None) -> None:
        self._wildcards = wildcards
        self._bodies: dict[str, tuple[PartSequence, ...]] = {}

    def parse(self, text: str) -> Template:
        """Parse ``text``; see :func:`parse_template`."""
        root = _Parser(text, self, stack=(), depth=0, where=None).parse_sequence(top_level=True)
        template = Template(text, root)
        if root.length > MAX_PROMPT_CHARS:
            raise TemplateError(
                f"Template {shown_template(text)} can make a prompt of "
                f"{describe_count(root.length)} characters; Studio takes up to "
                f"{MAX_PROMPT_CHARS:,}: shorten its wildcards."
            )
        return template

    def wildcard(self, name: str, parser: _Parser, start: int) -> tuple[PartSequence, ...]:
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

    def _parse_body(self, name: str, parser: _Parser, start: int) -> tuple[PartSequence, ...]:
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
            f"Template {shown_template(self._text)}{origin}, character {where + 1}: {message}"
        )

    def too_deep(self, at: int) -> TemplateError:
        return self.fail(
            f"groups and wildcards nest more than {MAX_NESTING} deep; flatten the template", at
        )

    def parse_sequence(self, *, top_level: bool) -> PartSequence:
        parts: list[TextPart | Choice] = []
        literal: list[str] = []

        def flush() -> None:
            if literal:
                parts.append(TextPart("".join(literal)))
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
        return PartSequence(tuple(parts))

    def _parse_choice(self) -> Choice:
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
        return Choice(tuple(alternatives), self._pick(), start)

    def _wildcard(self, name: str, start: int) -> Choice:
        if self.depth + 1 > MAX_NESTING:
            raise self.too_deep(start)
        body = self._owner.wildcard(name, self, start)
        return Choice(body, self._pick(), start)

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
