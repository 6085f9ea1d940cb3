"""File menu: projects (new, open, save, save as, autosave), images in and out, models."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer, Signal

from studio.domain.errors import StudioError
from studio.domain.model_addition import ModelAddition
from studio.domain.models import ModelInfo
from studio.domain.settings import EngineSettings
from studio.imaging.atomic import atomic_write_bytes
from studio.imaging.decode import load_pixels
from studio.imaging.filenames import safe_export_path, sanitize_filename_part
from studio.imaging.pixels import upscale_nearest
from studio.imaging.png import encode_png, png_text_chunks
from studio.imaging.recipe import read_recipe
from studio.imaging.thumbnails import make_thumbnail
from studio.project.settings import save_engine_settings
from studio.project.store import ProjectStore
from studio.ui.controller import Controller, WindowContext

AUTOSAVE_MS = 30_000
SHOWN_PROBLEMS = 20  # skipped files named in the notice's tooltip; the rest are counted
MAX_IMPORT_BYTES = 256 * 1024 * 1024
StateProvider = Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class FilePlaces:
    """Where the File menu reads and writes besides the project.

    Parameters
    ----------
    engine_settings
        The engine settings Add Model extends (written to ``settings_path`` when set).
    settings_path
        The engine settings file (``None``: nothing is written, as in tests).
    recovery_dir
        Where untitled projects live until the user names them.
    """

    engine_settings: EngineSettings
    settings_path: Path | None
    recovery_dir: Path


class FileController(Controller):
    """Owns the questions around files; every path can also be given directly (tests, drop).

    Signals
    -------
    image_imported(int)
        An image from disk was added to the history (entry id) and should be shown.
    """

    image_imported = Signal(int, object)  # entry id, recipe request dict or None

    def __init__(self, context: WindowContext, places: FilePlaces, ui_state: StateProvider) -> None:
        super().__init__(context, context.window)
        self._engine_settings = places.engine_settings
        self._settings_path, self._recovery_dir = places.settings_path, places.recovery_dir
        self._ui_state = ui_state
        facade = context.facade
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave)
        self._autosave.start()
        facade.model_added.connect(self._on_model_added)
        facade.folder_added.connect(self._on_folder_added)
        facade.model_add_failed.connect(self._on_model_add_failed)

    # -- projects ---------------------------------------------------------------------------

    def keep_work_before_leaving(self) -> bool:
        """Before New/Open/Quit: True when it is fine to leave the current project."""
        if not self._document.has_unsaved_work():
            self.autosave()
            return True
        answer = self.dialogs.ask_keep_work(
            self._document.display_name(), self._document.store.image_count()
        )
        if answer == "save":
            return self.save_as()
        return answer == "discard"

    def _leaving_discards(self) -> bool:
        # Called after keep_work_before_leaving: an untitled project still untitled here is
        # either empty or one the user chose to discard, so its recovery file can go.
        return self._document.is_untitled

    def new_project(self) -> bool:
        if not self.keep_work_before_leaving():
            return False
        from studio.project.recovery import new_untitled_project

        discard = self._leaving_discards()
        self._document.replace(
            new_untitled_project(self._recovery_dir), untitled=True, discard_current=discard
        )
        self._status.say("New project")
        return True

    def open_project(self, path: Path | None = None) -> bool:
        """Open a project file; a damaged file is reported and the current project stays."""
        if path is None:
            path = self.dialogs.open_project_path(self._last_folder("project"))
            if path is None:
                return False
        if not self.keep_work_before_leaving():
            return False
        try:
            store = ProjectStore.open(path)
        except StudioError as exc:
            self.dialogs.error("Could not open project", str(exc))
            return False
        self._remember_folder("project", path)
        self._document.replace(store, untitled=False, discard_current=self._leaving_discards())
        if store.read_only:
            self._notice.show_message(store.read_only_reason or "Opened read-only.", "warning")
        self._status.say(f"Opened {path.name}")
        return True

    def save(self) -> bool:
        if self._document.is_untitled:
            return self.save_as()
        self.autosave()
        self._status.say(f"Saved {self._document.display_name()}")
        return True

    def save_as(self, path: Path | None = None) -> bool:
        if path is None:
            suggested = str(Path(self._last_folder("project")) / "Untitled.studio")
            path = self.dialogs.save_project_path(suggested)
            if path is None:
                return False
        self.autosave()
        try:
            self._document.save_as(path, progress=self._show_save_progress)
        except StudioError as exc:
            self.dialogs.error("Could not save project", str(exc))
            return False
        self._remember_folder("project", path)
        self._status.say(f"Saved as {path.name}")
        return True

    def _show_save_progress(self, done: int, total: int) -> None:
        # Saving a large project copies hundreds of megabytes on this thread: keep painting
        # (but take no clicks or keys, which could change the project mid-copy).
        self._status.showMessage(f"Saving… {100 * done // max(total, 1)}%")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def autosave(self) -> None:
        """Write panel and canvas state; images are already in the file."""
        try:
            self._document.save_ui_state(self._ui_state())
        except StudioError as exc:
            self._notice.show_message(f"Autosave failed: {exc}", "error")

    def save_state_and_stop(self) -> None:
        """Last autosave before the window closes; the timer stops, so none runs after."""
        self._autosave.stop()
        self.autosave()

    # -- images -----------------------------------------------------------------------------

    def export_image(self, entry_id: int, scale: int = 1, path: Path | None = None) -> Path | None:
        """Write an entry's PNG (with its recipe) at 1x, or enlarged with crisp pixels."""
        entry = self._document.entry(entry_id) if entry_id else None
        if entry is None:
            self._status.say("Nothing to export: pick an image in the history first")
            return None
        if path is None:
            stem = sanitize_filename_part(entry.prompt[:60] or f"image-{entry.id}")
            stem += f"-{entry.id}" + (f"@{scale}x" if scale > 1 else "")
            folder = Path(self._last_folder("export"))
            path = self.dialogs.export_path(safe_export_path(folder, stem, ".png"))
            if path is None:
                return None
        png = self._document.image_png(entry.image_id)
        if scale > 1:
            pixels = upscale_nearest(load_pixels(png, mode="RGBA"), scale)
            png = encode_png(pixels, png_text_chunks(png))
        try:
            atomic_write_bytes(path, png)
        except OSError as exc:
            self.dialogs.error("Could not export", f"{path} could not be written: {exc.strerror}")
            return None
        self._remember_folder("export", path)
        self._status.say(f"Exported {path.name}")
        return path

    def import_image(self, path: Path | None = None) -> int | None:
        """Add an image file to the history and restore its recipe; returns the entry id."""
        if path is None:
            path = self.dialogs.image_path(self._last_folder("import"))
            if path is None:
                return None
        if self._document.read_only:
            self._notice.show_message("This project is read-only.", "warning")
            return None
        picked = self._read_picked(path, MAX_IMPORT_BYTES, "RGBA")
        if picked is None:
            return None
        data, pixels = picked
        request, prompt, recipe_note = self._recipe_of(data)
        # A PNG is kept byte for byte (its text chunks too); other formats carry no PNG text,
        # their recipe (if any) is in ``recipe`` below.
        png = data if data.startswith(b"\x89PNG") else encode_png(pixels)
        entry = self._document.add_image(
            kind="import",
            png=png,
            thumbnail=make_thumbnail(pixels),
            width=pixels.shape[1],
            height=pixels.shape[0],
            prompt=prompt or path.stem,
            recipe={"source_file": path.name, "request": request, "recipe_source": recipe_note},
        )
        self._remember_folder("import", path)
        self._status.say(f"Imported {path.name}" + (f" ({recipe_note} recipe)" if request else ""))
        self.image_imported.emit(entry.id, request)
        return entry.id

    def _recipe_of(self, data: bytes) -> tuple[dict | None, str, str]:
        try:
            recipe = read_recipe(data)
        except StudioError as exc:
            self._notice.show_message(f"The image's recipe could not be read: {exc}", "warning")
            return None, "", "none"
        request = recipe.request.to_dict() if recipe.request is not None else None
        return request, recipe.prompt, recipe.source

    # -- models -----------------------------------------------------------------------------

    def add_model(self, path: Path | None = None, *, folder: bool = False) -> None:
        """Validate a model file, or scan a folder of any kinds (an A1111, ComfyUI or InvokeAI
        install), on the worker; it is remembered once the worker accepts it."""
        if path is None:
            path = self.dialogs.model_folder_path() if folder else self.dialogs.model_file_path()
            if path is None:
                return
        self._status.say(f"Checking {path.name}…" if not folder else f"Scanning {path}…")
        if folder:
            self._facade.add_model_folder(str(path))
        else:
            self._facade.add_model_path(str(path))

    def _on_model_added(self, info: ModelInfo) -> None:
        self._remember_model_path(info.location or info.id)
        self._status.say(f"Added model {info.name}")
        self._facade.refresh_models()

    def _on_folder_added(self, addition: ModelAddition) -> None:
        self._remember_model_path(addition.location)
        summary = addition.summary()
        if addition.problems or addition.skipped:
            summary += " (hover here for which and why)"
        self._notice.show_message(summary, "info", skipped_details(addition))
        self._status.say(f"Added {addition.location}")
        self._facade.refresh_models()
        self._facade.refresh_addons()

    def _remember_model_path(self, location: str) -> None:
        self._engine_settings = self._engine_settings.with_model_path(location)
        if self._settings_path is not None:
            try:
                save_engine_settings(self._engine_settings, self._settings_path)
            except (StudioError, OSError) as exc:
                self._notice.show_message(f"The model list could not be saved: {exc}", "warning")

    def _on_model_add_failed(self, path: str, message: str) -> None:
        self._notice.show_message(message, "error")

    # -- remembered folders -----------------------------------------------------------------

    def _last_folder(self, kind: str) -> str:
        value = QSettings().value(f"folders/{kind}", "")
        return str(value) if value else str(Path.home())

    def _remember_folder(self, kind: str, path: Path) -> None:
        QSettings().setValue(f"folders/{kind}", str(path.parent))


def skipped_details(addition: ModelAddition) -> str:
    """The notice's tooltip after adding a folder: each skipped file and what to do."""
    lines = list(addition.problems[:SHOWN_PROBLEMS])
    rest = len(addition.problems) - len(lines) + addition.skipped
    if rest:
        lines.append(f"{rest:,} more files skipped: add the folder's subfolders one by one.")
    return "\n".join(lines)
