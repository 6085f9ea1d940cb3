"""A parsed prompt template: its nodes, what they count, and building a prompt from its index.

:mod:`studio.domain.batch_template` parses the text into these nodes. Each node knows how many
prompts it makes, how long the longest is and how many steps building one takes, so a
template is bounded before anything is built (RELIABILITY 23), and a prompt is built from its
index alone: ``{...}[1]`` over 2**40 options builds one prompt, not 2**40.
"""

from __future__ import annotations

import bisect
import random
import sys
from dataclasses import dataclass, field

from studio.domain.errors import InvalidRequestError

MAX_EXPANSION = 100_000
"""Most prompts (or images, for a whole spec) one batch makes."""
MAX_BUILD_STEPS = 10_000_000
"""Most steps (text pieces and groups visited) building a whole template or spec may take:
a few seconds. Prompts times the steps of the longest path, so 100,000 prompts may each have
100 pieces, and thousands of empty ``{}`` cannot make a small count slow."""

# Counts and lengths stop growing here: past it only "too many" matters, and the arithmetic
# stays on small numbers however many groups a template holds.
_CEILING = 1 << 256
_SHOWN = 60


class TemplateError(InvalidRequestError):
    """A template that cannot be expanded; the message says where and how to fix it."""


@dataclass(frozen=True)
class TextPart:
    text: str


@dataclass(frozen=True, eq=False)
class PartSequence:
    """Text and groups one after another; ``count`` prompts, none longer than ``length``."""

    parts: tuple[TextPart | Choice, ...]
    count: int = field(init=False)
    length: int = field(init=False)
    height: int = field(init=False)  # groups nested inside, for the depth of a reused wildcard
    steps: int = field(init=False)  # most nodes that building one prompt visits

    def __post_init__(self) -> None:
        count, length, height, steps = 1, 0, 0, 1
        for part in self.parts:
            if isinstance(part, TextPart):
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
class Choice:
    """One of ``alternatives``, or ``pick`` of them chosen with the seed."""

    alternatives: tuple[PartSequence, ...]
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
    root: PartSequence

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
                f"Template {shown_template(self.source)} makes {describe_count(total)} prompts; "
                f"split it or use [n] picks to stay under {MAX_EXPANSION:,}."
            )
        if self.build_steps() > MAX_BUILD_STEPS:
            raise TemplateError(
                f"Template {shown_template(self.source)} makes {total:,} prompts of up to "
                f"{self.root.steps:,} pieces each, too many to build; remove empty groups "
                "or split it."
            )
        builder = _Builder(seed)
        return [builder.prompt(self.root, index) for index in range(total)]


def describe_count(count: int) -> str:
    """A count for a message: ``"65,536"``, or ``"more than 10^77"`` past the ceiling."""
    return f"{count:,}" if count < _CEILING else "more than 10^77"


class _Builder:
    """Builds the prompt at an index without building any other (RELIABILITY 23)."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._picks: dict[int, list[int]] = {}  # id of a picking group -> its chosen options

    def prompt(self, root: PartSequence, index: int) -> str:
        out: list[str] = []
        self._sequence(root, index, out)
        return " ".join("".join(out).split())

    def _sequence(self, sequence: PartSequence, index: int, out: list[str]) -> None:
        # Mixed radix with the first group as the most significant digit: it varies slowest.
        digits: list[int] = []
        for part in reversed(sequence.parts):
            if isinstance(part, Choice):
                index, digit = divmod(index, part.count)
                digits.append(digit)
        for part in sequence.parts:
            if isinstance(part, TextPart):
                out.append(part.text)
            else:
                self._choice(part, digits.pop(), out)

    def _choice(self, choice: Choice, index: int, out: list[str]) -> None:
        if choice.picks_some:
            index = self._picked(choice)[index]
        # A bisection, not a scan: a wildcard of 10,000 lines costs 14 comparisons a prompt.
        which = bisect.bisect_right(choice.starts, index) - 1
        self._sequence(choice.alternatives[which], index - choice.starts[which], out)

    def _picked(self, choice: Choice) -> list[int]:
        chosen = self._picks.get(id(choice))
        if chosen is None:
            chosen = _pick_indices(choice, self._seed)
            self._picks[id(choice)] = chosen
        return chosen


def _pick_indices(choice: Choice, seed: int) -> list[int]:
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


def shown_template(text: str) -> str:
    """``text`` quoted for a message, cut to a readable length."""
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "...")
