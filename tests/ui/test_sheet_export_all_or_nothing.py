"""The Export Sprite Sheet dialog writes through the one export path: every file or none."""

from __future__ import annotations

import numpy as np

from studio.imaging.png import encode_png
from studio.imaging.thumbnails import make_thumbnail
from tests.imaging.sheets.conftest import make_sprites
from tests.ui.conftest import TIMEOUT


def _add(window, pixels: np.ndarray) -> int:
    entry = window.document.add_image(
        kind="import", png=encode_png(pixels), thumbnail=make_thumbnail(pixels),
        width=pixels.shape[1], height=pixels.shape[0], prompt="knight", recipe={},
    )  # fmt: skip
    return entry.id


def test_an_export_that_cannot_write_every_file_leaves_no_file(qtbot, window, tmp_path) -> None:
    ids = [_add(window, sprite) for sprite in make_sprites(2)]
    dialog = window.game.sheet_dialog(ids, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.sheet is not None, timeout=TIMEOUT)
    folder = tmp_path / "export"
    folder.mkdir()
    # A folder squats on the name of the last file the export writes.
    last = list(dialog._files())[-1]
    (folder / last).mkdir()
    with qtbot.waitSignal(dialog.export_ended, timeout=TIMEOUT) as ended:
        dialog.export_to(folder)
    outcome, message = ended.args
    assert outcome == "failed" and last in message and "\n" not in message
    assert f"Could not export: {message}" == dialog.summary.text()
    assert sorted(p.name for p in folder.iterdir()) == [last]
    # The dialog stays open and usable: never a stuck "exporting" state.
    assert dialog.isVisible() and not dialog.exporting and not dialog.busy_bar.isVisible()
    assert dialog.buttons.buttons()[0].isEnabled()
