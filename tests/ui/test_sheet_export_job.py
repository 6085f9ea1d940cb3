"""The Export Sprite Sheet dialog writes through a job on the CPU lane, never on the GUI
thread: busy while it runs, closed when every file is written, one line when none is."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

import studio.ops.export as export
from studio.imaging.png import encode_png
from studio.imaging.thumbnails import make_thumbnail
from studio.ops.export_manifest import MANIFEST_NAME
from studio.ui.sheet_export_form import ENTRY_ROLE
from tests.imaging.sheets.conftest import make_sprites
from tests.ui.conftest import TIMEOUT
from tests.write_threads import record_write_threads


def _add(window, pixels: np.ndarray) -> int:
    entry = window.document.add_image(
        kind="import", png=encode_png(pixels), thumbnail=make_thumbnail(pixels),
        width=pixels.shape[1], height=pixels.shape[0], prompt="knight", recipe={},
    )  # fmt: skip
    return entry.id


def _dialog(qtbot, window):
    ids = [_add(window, sprite) for sprite in make_sprites(2)]
    dialog = window.game.sheet_dialog(ids, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.sheet is not None, timeout=TIMEOUT)
    return dialog


def _hold_packing(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Holds the export job inside its work (on the lane) until the test releases it."""
    packing, release = threading.Event(), threading.Event()
    real_pack = export.pack_sheet

    def slow_pack(*args, **kwargs):
        packing.set()
        release.wait(10)
        return real_pack(*args, **kwargs)

    monkeypatch.setattr(export, "pack_sheet", slow_pack)
    return packing, release


def test_the_export_writes_on_the_cpu_lane_while_the_dialog_shows_it_is_busy(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    dialog = _dialog(qtbot, window)
    threads = record_write_threads(monkeypatch)
    packing, release = _hold_packing(monkeypatch)
    folder = tmp_path / "export"
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.export_to(folder)
        qtbot.waitUntil(packing.is_set, timeout=TIMEOUT)
        assert dialog.exporting and dialog.busy_bar.isVisible()
        # Export… waits; Cancel stays, and now cancels the export (as in the tile-set dialog).
        assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
        cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel.isEnabled() and cancel.toolTip() == "Cancel the export"
        release.set()
    assert threads == ["studio-edits"]  # not the GUI thread
    # Every file but the export manifest, which lists them for the next export.
    made = sorted(p for p in folder.iterdir() if p.name != MANIFEST_NAME)
    assert sorted(dialog.written) == made and dialog.written
    assert window.statusBar().currentMessage() == f"Exported {len(dialog.written)} files"
    assert window.document.entries()[0].kind == "import"  # an export adds no history image


def test_a_bug_in_the_export_is_one_line_and_the_dialog_stays_usable(
    qtbot, window, tmp_path, monkeypatch, _private_log_folder
) -> None:
    from studio.diagnostics.error_log import install_error_log

    install_error_log()
    dialog = _dialog(qtbot, window)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the packer went wrong")

    monkeypatch.setattr(export, "pack_sheet", broken)
    folder = tmp_path / "export"
    with qtbot.waitSignal(dialog.export_ended, timeout=TIMEOUT) as ended:
        dialog.export_to(folder)
    outcome, message = ended.args
    assert outcome == "failed" and "bug in Studio (RuntimeError)" in message
    assert "\n" not in dialog.summary.text() and message in dialog.summary.text()
    assert dialog.isVisible() and not dialog.exporting and not dialog.busy_bar.isVisible()
    assert all(button.isEnabled() for button in dialog.buttons.buttons())
    assert not folder.exists() or not any(folder.iterdir())


def _cancel_button(dialog) -> QPushButton:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)


@pytest.mark.parametrize(
    "cancel",
    [lambda dialog: dialog.reject(), lambda dialog: _cancel_button(dialog).click()],
    ids=["escape", "cancel-button"],
)
def test_escape_or_cancel_while_exporting_cancels_the_export_and_writes_nothing(
    qtbot, window, tmp_path, monkeypatch, cancel
) -> None:
    dialog = _dialog(qtbot, window)
    packing, release = _hold_packing(monkeypatch)
    folder = tmp_path / "export"
    with qtbot.waitSignal(dialog.export_ended, timeout=TIMEOUT) as ended:
        dialog.export_to(folder)
        qtbot.waitUntil(packing.is_set, timeout=TIMEOUT)
        assert _cancel_button(dialog).toolTip() == "Cancel the export"
        cancel(dialog)  # the dialog stays until the job says how it ended
        assert dialog.isVisible() and "Cancelling" in dialog.summary.text()
        release.set()
    assert ended.args == ["cancelled", ""]
    assert dialog.isVisible() and "cancelled" in dialog.summary.text()
    assert not folder.exists() or not any(folder.iterdir())
    assert _cancel_button(dialog).toolTip() == "Close without exporting"
    cancel(dialog)  # nothing running now: it closes
    assert not dialog.isVisible()


def test_a_frame_deleted_from_the_history_is_one_line_not_a_bug(qtbot, window) -> None:
    dialog = _dialog(qtbot, window)
    entry_id = dialog.checked_items()[0].data(ENTRY_ROLE)
    window.document.delete_entry(entry_id)
    dialog.repack()
    assert dialog.sheet is None and f"History entry {entry_id} is not in" in (dialog.error or "")


def test_the_lane_snaps_the_frames_to_the_locked_palette(qtbot, window, tmp_path) -> None:
    from studio.imaging.decode import load_pixels
    from studio.imaging.palettes import BUILTIN_PALETTES, off_palette_mask

    window.document.set_palette_lock(BUILTIN_PALETTES["PICO-8"])
    dialog = _dialog(qtbot, window)
    assert dialog.snap.isChecked()
    folder = tmp_path / "export"
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.export_to(folder)
    sheet = load_pixels((folder / "sheet.png").read_bytes())
    assert off_palette_mask(sheet, BUILTIN_PALETTES["PICO-8"]).sum() == 0
