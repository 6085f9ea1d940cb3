"""A tqdm progress bar on stderr fed by engine progress updates."""

from __future__ import annotations

import sys
from types import TracebackType

from tqdm import tqdm

from studio.domain.results import ProgressUpdate


class ProgressPrinter:
    """Context manager turning :class:`ProgressUpdate` callbacks into a terminal progress bar.

    Results go to stdout through :meth:`write` so they can be piped, the bar to stderr.
    """

    def __init__(self, description: str, unit: str = "step") -> None:
        self._description = description
        self._unit = unit
        self._bar: tqdm | None = None

    def __enter__(self) -> ProgressPrinter:
        self._bar = tqdm(
            total=None,
            desc=self._description,
            unit=self._unit,
            file=sys.stderr,
            dynamic_ncols=True,
            mininterval=0.1,
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.close()

    def update(self, update: ProgressUpdate) -> None:
        bar = self._bar
        if bar is None:
            return
        if update.message:
            bar.set_description(f"{self._description}: {update.message}")
            return
        if bar.total != update.total:
            bar.set_description(self._description)
            bar.reset(total=update.total)
        bar.update(update.step - bar.n)

    def write(self, text: str) -> None:
        tqdm.write(text, file=sys.stdout)
