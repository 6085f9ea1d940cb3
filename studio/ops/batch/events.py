"""What a running batch tells its face: the batch began, a file was set aside, an item's
:class:`Outcome` (an image committed, or the reason it failed).

The application layer never writes to a terminal (a GUI or a bench has none to write to):
the runner reports each event to a :class:`BatchEvents` the face hands it, and the face words
it (``studio batch`` draws a progress bar and prints one line per image).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from studio.domain.batch_items import BatchItem
from studio.domain.results import GeneratedImage


@dataclass(frozen=True)
class Outcome:
    """What became of one item: its image, or the reason it failed (one line)."""

    item: BatchItem
    image: GeneratedImage | None = None
    error: str = ""
    worker: str = ""  # who made it ("local", "node 10.0.0.5 pid 4242")


@dataclass(frozen=True)
class SetAside:
    """A damaged or foreign file under an item's name, renamed out of the way (made again)."""

    path: Path
    moved: Path


class BatchEvents(Protocol):
    """Receives what a batch does, as it does it (each call on the runner's thread)."""

    def set_aside(self, file: SetAside) -> None:
        """A file of the output was set aside before the first image."""
        ...

    def begun(self, total: int, done: int) -> None:
        """The batch runs: ``total`` items, ``done`` of them already in the output."""
        ...

    def committed(self, outcome: Outcome, where: str) -> None:
        """An image was committed; ``where`` names it in the output."""
        ...

    def failed(self, outcome: Outcome) -> None:
        """An item could not be made; ``outcome.error`` says why, in one line."""
        ...


class QuietEvents:
    """Events nobody listens to: a batch run for its report alone."""

    def set_aside(self, file: SetAside) -> None:
        pass

    def begun(self, total: int, done: int) -> None:
        pass

    def committed(self, outcome: Outcome, where: str) -> None:
        pass

    def failed(self, outcome: Outcome) -> None:
        pass
