"""Image > Batch…: the template's expansion and count, queued through the ordinary job path."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QDialogButtonBox

from studio.domain.batch_items import BatchDraft, build_items
from tests.ui.conftest import TIMEOUT


def test_batch_shows_the_count_and_queues_every_image(qtbot, window) -> None:
    panel = window.prompt_panel
    panel.width_spin.setValue(32)
    panel.height_spin.setValue(24)
    panel.steps_spin.setValue(2)
    panel.seed_edit.setText("77")
    panel.seed_lock.setChecked(True)
    panel.prompt_edit.setPlainText("{red|green} {potion|sword|shield}")
    assert "Batch…" in [a.text() for a in window.menuBar().actions()[2].menu().actions()]
    dialog = window.open_batch()
    assert dialog is not None and dialog.count_label.text() == "6 images, batch seed 77"
    assert dialog.prompt_list.count() == 6 and dialog.prompt_list.item(5).text() == "green shield"

    dialog.template_edit.setText("{broken")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "never closed" in dialog.count_label.text()
    dialog.template_edit.setText("{red|green} orb")
    assert ok.isEnabled() and dialog.count_label.text().startswith("2 images")

    # The ids and seeds `studio batch "{red|green} orb" --seed 77` gives the same settings.
    base = replace(panel.view_model.build_request(), seed=None, batch_count=1)
    drafts = [BatchDraft(replace(base, prompt=p), "cli") for p in ("red orb", "green orb")]
    expected = build_items(drafts, 77)
    ok.click()
    qtbot.waitUntil(lambda: len(window.history_model.entries()) == 2, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not window.facade.is_busy, timeout=TIMEOUT)
    made = sorted(
        (e.recipe["request"]["prompt"], e.recipe["request"]["seed"])
        for e in window.history_model.entries()
    )
    assert made == sorted((i.request.prompt, i.request.seed) for i in expected)
