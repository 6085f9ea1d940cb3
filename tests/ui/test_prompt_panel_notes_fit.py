"""Notes in the Generate panel wrap inside it instead of widening it.

Seen under Xvfb: picking a Turbo checkpoint put "Turbo 4-step checkpoint: 4 steps, CFG 0,
Euler a trailing" beside the steps on one line, which widened the whole panel past its scroll
area and cut off the right edge of every field (the prompt, the combos, the seed's Random).
"""

from __future__ import annotations

import pytest

from studio.ui.prompt_panel import PromptPanel
from studio.ui.viewmodels.generate import GenerateViewModel
from tests.ops.test_request_defaults import SD, TURBO


@pytest.fixture
def panel(qtbot) -> PromptPanel:
    widget = PromptPanel(GenerateViewModel())
    qtbot.addWidget(widget)
    widget.set_models([SD, TURBO])
    return widget


def test_the_few_step_note_does_not_widen_the_panel(panel) -> None:
    vm = panel.view_model
    vm.model = SD.id
    assert panel.few_step_label.text() == ""
    narrowest = panel.minimumSizeHint().width()
    vm.model = TURBO.id
    label = panel.few_step_label
    assert label.text().startswith("Turbo 4-step checkpoint")
    assert panel.minimumSizeHint().width() <= narrowest
    # The note wraps: it asks for no more room than its longest word, whatever the font.
    longest = max(label.text().split(), key=label.fontMetrics().horizontalAdvance)
    assert label.minimumSizeHint().width() <= label.fontMetrics().horizontalAdvance(longest) + 8
