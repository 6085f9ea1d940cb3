"""A long file name in a Control or Reference row does not widen the Generate panel.

Seen under Xvfb: a control image named with 110 characters widened the prompt panel from 489
to 1141 px, past its scroll area, and every field lost its right edge. The name is elided in
the middle (the whole name in the tooltip).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.imaging.png import encode_png
from studio.ui.prompt_panel import PromptPanel
from studio.ui.viewmodels.generate import GenerateViewModel
from tests.ops.test_request_defaults import SD

LONG = "my_character_reference_pose_front_view_final_version_two" * 2 + ".png"


def _image(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(encode_png(np.zeros((16, 16, 3), dtype=np.uint8)))
    return path


def _width(tmp_path: Path, qtbot, unit: str, name: str) -> tuple[int, str]:
    panel = PromptPanel(GenerateViewModel())
    qtbot.addWidget(panel)
    panel.set_models([SD])
    panel.show()
    image = _image(tmp_path, name)
    if unit == "control":
        panel.view_model.control.add()
        panel.view_model.control.use_file(0, image)
        label = panel.control_panel.rows[0].source_label
    else:
        panel.view_model.reference.add_file(image)
        label = panel.reference_panel.rows[0].source_label
    assert label.text().endswith("png")  # elided in the middle: the type still shows
    return panel.minimumSizeHint().width(), label.toolTip()


@pytest.mark.parametrize("unit", ["control", "reference"])
def test_a_long_source_name_is_elided_and_keeps_the_panel_width(tmp_path, qtbot, unit) -> None:
    short, _ = _width(tmp_path, qtbot, unit, "hero.png")
    long, tip = _width(tmp_path, qtbot, unit, LONG)
    assert long <= short
    assert tip.endswith(LONG)  # the whole name is one hover away


@pytest.mark.parametrize("unit", ["control", "reference"])
def test_a_refused_file_with_a_long_name_keeps_the_panel_width(tmp_path, qtbot, unit) -> None:
    panel = PromptPanel(GenerateViewModel())
    qtbot.addWidget(panel)
    panel.set_models([SD])
    panel.show()
    before = panel.minimumSizeHint().width()
    bad = tmp_path / ("not_really_an_image_but_text" * 4 + ".png")
    bad.write_text("text, not pixels")
    if unit == "control":
        group = panel.control_panel
        panel.view_model.control.add()
        group._attempt(panel.view_model.control.use_file, 0, bad)
    else:
        group = panel.reference_panel
        group._attempt(panel.view_model.reference.add_file, bad)
    message = group.message_label.text()
    assert "is not an image Studio can read" in message
    assert message.replace("\u200b", "").startswith(bad.name)  # the name, breakable
    assert panel.minimumSizeHint().width() <= max(before, _width(tmp_path, qtbot, unit, "a.png")[0])
