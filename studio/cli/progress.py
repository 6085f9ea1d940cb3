"""A tqdm progress bar on stderr fed by engine progress updates."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Self

from tqdm import tqdm

from studio.domain.results import ProgressUpdate
from studio.domain.terminal_text import raw_stream, terminal_safe


class BarOwner:
    """A context manager that closes the tqdm bar it may have opened, on any exit."""

    _bar: tqdm | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class ProgressPrinter(BarOwner):
    """Context manager turning :class:`ProgressUpdate` callbacks into a terminal progress bar.

    Results go to stdout through :meth:`write` so they can be piped, the bar to stderr.
    """

    def __init__(self, description: str, unit: str = "step") -> None:
        self._description = description
        self._unit = unit

    def __enter__(self) -> Self:
        self._bar = tqdm(
            total=None,
            desc=terminal_safe(self._description, single_line=True),
            unit=self._unit,
            # The bar redraws itself with carriage returns, so it writes under the escaping
            # stream; everything it shows that came from a file is escaped here instead.
            file=raw_stream(sys.stderr),
            dynamic_ncols=True,
            mininterval=0.1,
        )
        return self

    def update(self, update: ProgressUpdate) -> None:
        bar = self._bar
        if bar is None:
            return
        if update.message:
            message = terminal_safe(f"{self._description}: {update.message}", single_line=True)
            bar.set_description(message)
            return
        if bar.total != update.total:
            bar.set_description(terminal_safe(self._description, single_line=True))
            bar.reset(total=update.total)
        bar.update(update.step - bar.n)

    def write(self, text: str) -> None:
        tqdm.write(text, file=sys.stdout)
