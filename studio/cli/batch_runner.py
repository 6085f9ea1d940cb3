"""Running a batch: skip what the output already holds, commit each image as it lands.

The runner does not care where images are made. An executor takes the pending items and
yields outcomes in any order (the local engine in order, a Ray cluster as actors finish);
the runner commits each one the moment it arrives, so a kill loses at most the images being
made, never one already reported, and ``--resume`` redoes exactly those.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from tqdm import tqdm

from studio.cli.batch_outputs import BatchOutput, tag_image
from studio.domain.batch_items import BatchItem
from studio.domain.results import GeneratedImage
from studio.domain.terminal_text import raw_stream


@dataclass(frozen=True)
class Outcome:
    """What became of one item: its image, or the reason it failed (one line)."""

    item: BatchItem
    image: GeneratedImage | None = None
    error: str = ""
    worker: str = ""  # who made it ("local", "node 10.0.0.5 pid 4242")


class Executor(Protocol):
    """Makes images for items; yields one :class:`Outcome` per item, in any order."""

    def run(self, items: Sequence[BatchItem], cancel: threading.Event) -> Iterator[Outcome]: ...


@dataclass(frozen=True)
class BatchReport:
    total: int
    skipped: int
    made: int
    failed: list[Outcome]
    seconds: float

    @property
    def images_per_second(self) -> float:
        return self.made / self.seconds if self.seconds > 0 else 0.0


def run_batch(
    items: Sequence[BatchItem],
    output: BatchOutput,
    executor: Executor,
    batch_seed: int,
    *,
    spec: str = "",
    cancel: threading.Event | None = None,
    say: Callable[[str], None] | None = None,
    on_commit: Callable[[Outcome], None] | None = None,
) -> BatchReport:
    """Make every item the output does not hold yet, committing each as it lands.

    Parameters
    ----------
    say
        Receives one line per committed image (stdout in the CLI).
    on_commit
        Called after each commit (tests use it to interrupt a batch at a known point).
    """
    cancel = cancel or threading.Event()
    done = output.done_ids(batch_seed)
    numbers = {item.id: number for number, item in enumerate(items, start=1)}
    pending = [item for item in items if item.id not in done]
    output.begin(batch_seed, spec, len(items))
    failed: list[Outcome] = []
    made = 0
    started = time.monotonic()
    with tqdm(
        total=len(items),
        initial=len(items) - len(pending),
        desc="batch",
        unit="image",
        file=raw_stream(sys.stderr),
        dynamic_ncols=True,
        mininterval=0.2,
    ) as bar:
        for outcome in executor.run(pending, cancel):
            item = outcome.item
            if item.id in done:
                continue  # a retried task may report an item twice; it is kept once
            if outcome.image is None:
                failed.append(outcome)
                bar.write(f"failed {item.origin}: {outcome.error}", file=sys.stderr)
                continue
            where = output.commit(
                numbers[item.id], item, tag_image(outcome.image, item, batch_seed)
            )
            done.add(item.id)
            made += 1
            bar.update(1)
            if say is not None:
                say(f"committed {item.id} {where} (seed {item.request.seed}) {item.request.prompt}")
            if on_commit is not None:
                on_commit(outcome)
    return BatchReport(
        len(items), len(items) - len(pending), made, failed, time.monotonic() - started
    )


class LocalExecutor:
    """Items one after another on this machine's engine (one warm model, like the GUI)."""

    def __init__(self, engine) -> None:
        self._engine = engine

    def run(self, items: Sequence[BatchItem], cancel: threading.Event) -> Iterator[Outcome]:
        from studio.domain.errors import StudioError

        for item in items:
            if cancel.is_set():
                return
            try:
                images = list(self._engine.run(item.request, _ignore_progress, cancel))
            except StudioError as exc:
                yield Outcome(item, error=str(exc), worker="local")
                continue
            yield Outcome(item, images[0], worker="local")


def _ignore_progress(_update) -> None:
    """The batch bar counts images; per-step progress would only make it flicker."""
