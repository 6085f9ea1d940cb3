"""Closing the window while images are still to come: say what would be dropped, then obey.

Closing used to drop queued images silently; the user now chooses: quit anyway, finish the
work and then quit, or cancel the close.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from studio.ui.dialogs import Dialogs
from studio.ui.job_controller import JobController
from studio.ui.status_bar import JobStatusBar
from studio.worker.facade import EngineFacade


class _Editor(Protocol):
    @property
    def busy(self) -> bool: ...


class CloseGuard:
    """Asks before a close that would drop work, and closes once that work is done if asked.

    Parameters
    ----------
    facade, jobs
        The worker (is a job running, how many wait) and the job controller (images to come).
    editors
        Controllers whose image edits run on the CPU lane (each has ``busy``).
    dialogs, status
        Where the question is asked and where "quitting when finished" is said.
    close
        Closes the window (called once the work is done after "Finish, then Quit").
    """

    def __init__(
        self,
        facade: EngineFacade,
        jobs: JobController,
        editors: Sequence[_Editor],
        dialogs: Dialogs,
        status: JobStatusBar,
        close: Callable[[], object],
    ) -> None:
        self._facade = facade
        self._jobs = jobs
        self._editors = tuple(editors)
        self._dialogs = dialogs
        self._status = status
        self._close = close
        self._quit_when_idle = False  # "Finish, then Quit" was chosen

    def unfinished_work(self) -> str:
        """What closing now would drop, in words ("" when nothing is running or queued)."""
        parts = []
        if self._facade.is_busy:
            images = self._jobs.images_to_come()
            queued = self._facade.pending_count - 1
            jobs = "a job is running" + (f" and {queued} more queued" if queued else "")
            parts.append(f"{images} image{'s' if images != 1 else ''} to make ({jobs})")
        if any(editor.busy for editor in self._editors):
            parts.append("an image edit is running")
        return ", ".join(parts)

    def may_close(self) -> bool:
        """True if nothing would be dropped or the user says quit anyway."""
        description = self.unfinished_work()
        if not description:
            return True
        answer = self._dialogs.ask_unfinished_work(description)
        if answer == "quit":
            return True
        if answer == "finish":
            self._quit_when_idle = True
            self._status.say("Quitting when the queued images are finished (Esc cancels them)")
        return False

    def close_if_done(self) -> None:
        """After "Finish, then Quit": close once the last job or edit has ended."""
        if self._quit_when_idle and not self.unfinished_work():
            self._quit_when_idle = False
            self._close()
