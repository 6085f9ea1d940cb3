"""Running a batch: skip what the output already holds, commit each image as it lands.

The runner does not care where images are made. An executor takes the pending items and
yields outcomes in any order (the local engine in order, a Ray cluster as actors finish);
the runner commits each one the moment it arrives, so a kill loses at most the images being
made, never one already reported, and ``--resume`` redoes exactly those.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from studio.domain.batch_items import BatchItem
from studio.ops.batch.events import BatchEvents, Outcome, QuietEvents
from studio.ops.batch.item_naming import tag_image
from studio.ops.batch.outputs import BatchOutput
from studio.ops.batch.records import StoredBatch, items_digest


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


@dataclass(frozen=True)
class BatchPlan:
    """A batch checked against its output and begun there: what is done, what is left."""

    items: Sequence[BatchItem]
    output: BatchOutput
    batch_seed: int
    done: set[str]

    @property
    def pending(self) -> list[BatchItem]:
        return [item for item in self.items if item.id not in self.done]


def prepare_batch(
    items: Sequence[BatchItem],
    output: BatchOutput,
    batch_seed: int,
    *,
    spec: str = "",
    options: dict[str, object] | None = None,
    events: BatchEvents | None = None,
) -> BatchPlan:
    """Find what the output holds, check every path the rest will take, record the batch.

    Runs before any executor starts, so a refused output costs no model load and no cluster.

    Parameters
    ----------
    spec
        The spec's name, stored with the batch.
    options
        The options that shape the items (:func:`studio.cli.batch_options.item_options`),
        stored so that ``--resume`` alone finishes the same batch.
    events
        Told of every damaged file the output sets aside.

    Raises
    ------
    OutputError
        One line naming the file of the output that is in the way.
    """
    done = output.done_ids(batch_seed, items)
    record = StoredBatch(batch_seed, len(items), options, items_digest(items))
    events = events or QuietEvents()
    for file in output.begin(record, spec, items, done):
        events.set_aside(file)
    return BatchPlan(items, output, batch_seed, set(done))


def run_batch(
    items: Sequence[BatchItem],
    output: BatchOutput,
    executor: Executor,
    batch_seed: int,
    *,
    spec: str = "",
    options: dict[str, object] | None = None,
    cancel: threading.Event | None = None,
    events: BatchEvents | None = None,
) -> BatchReport:
    """Make every item the output does not hold yet: :func:`prepare_batch`, then
    :func:`execute_batch`."""
    plan = prepare_batch(items, output, batch_seed, spec=spec, options=options, events=events)
    return execute_batch(plan, executor, cancel=cancel, events=events)


def execute_batch(
    plan: BatchPlan,
    executor: Executor,
    *,
    cancel: threading.Event | None = None,
    events: BatchEvents | None = None,
) -> BatchReport:
    """Make the pending items of ``plan``, committing each as it lands.

    Parameters
    ----------
    events
        Told when the batch begins, of each committed image (after its commit) and of each
        failed item; the face shows them (``studio batch``: a bar and one line per image).
    """
    cancel = cancel or threading.Event()
    events = events or QuietEvents()
    items, output, batch_seed = plan.items, plan.output, plan.batch_seed
    done = set(plan.done)
    numbers = {item.id: number for number, item in enumerate(items, start=1)}
    pending = plan.pending
    failed: list[Outcome] = []
    made = 0
    started = time.monotonic()
    events.begun(len(items), len(items) - len(pending))
    for outcome in executor.run(pending, cancel):
        item = outcome.item
        if item.id in done:
            continue  # a retried task may report an item twice; it is kept once
        if outcome.image is None:
            failed.append(outcome)
            events.failed(outcome)
            continue
        where = output.commit(numbers[item.id], item, tag_image(outcome.image, item, batch_seed))
        done.add(item.id)
        made += 1
        events.committed(outcome, where)
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
