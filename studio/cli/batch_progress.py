"""What ``studio batch`` shows while a batch runs: a bar on stderr, one line per image.

The batch runner (:mod:`studio.ops.batch.runner`) only reports events; this is where they
become text. Lines go through the safe streams (escaped, one line each) and the bar writes
under them with carriage returns, so both share the terminal without tearing.
"""

from __future__ import annotations

import sys

from tqdm import tqdm

from studio.cli.progress import BarOwner
from studio.domain.terminal_text import raw_stream
from studio.ops.batch.events import Outcome, SetAside


class BatchPrinter(BarOwner):
    """A :class:`~studio.ops.batch.events.BatchEvents` for the terminal; a context manager
    that closes the bar.

    Parameters
    ----------
    show_commits
        Print a ``committed ...`` line on stdout per image (``studio bench batch`` keeps its
        stdout for the results and shows the bar alone).
    """

    def __init__(self, *, show_commits: bool = True) -> None:
        self._show_commits = show_commits

    def set_aside(self, file: SetAside) -> None:
        print(
            f"studio batch: {file.path.name} is damaged or not this batch's image; "
            f"set aside as {file.moved.name}, made again",
            file=sys.stderr,
        )

    def begun(self, total: int, done: int) -> None:
        self._bar = tqdm(
            total=total,
            initial=done,
            desc="batch",
            unit="image",
            file=raw_stream(sys.stderr),
            dynamic_ncols=True,
            mininterval=0.2,
        )

    def committed(self, outcome: Outcome, where: str) -> None:
        if self._bar is not None:
            self._bar.update(1)
        if self._show_commits:
            request = outcome.item.request
            self._write(
                f"committed {outcome.item.id} {where} (seed {request.seed}) {request.prompt}",
                sys.stdout,
            )

    def failed(self, outcome: Outcome) -> None:
        self._write(f"failed {outcome.item.origin}: {outcome.error}", sys.stderr)

    def _write(self, line: str, stream) -> None:
        # tqdm.write lifts the bar, prints the line and redraws the bar below it.
        if self._bar is not None:
            self._bar.write(line, file=stream)
        else:
            print(line, file=stream)
