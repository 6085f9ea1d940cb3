"""Image > Batch…: a template from the prompt box, its expansion and count, queued as jobs.

The dialog only plans: every prompt becomes one ordinary generate request (the panel's
settings, a seed derived from the batch seed and the item's id, as ``studio batch`` derives
it) queued through the same job path as the Generate button.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from studio.domain.batch_items import BatchDraft, BatchItem, build_items
from studio.domain.batch_template import parse_template
from studio.domain.errors import InvalidRequestError
from studio.domain.requests import GenerationRequest
from studio.ui.dialog_buttons import ok_cancel_buttons

PREVIEW_LIMIT = 500


class BatchDialog(QDialog):
    """Edit a template and see what it expands to before queueing it.

    Parameters
    ----------
    base
        The prompt panel's request: every item takes its settings.
    batch_seed
        Decides the ``[n]`` picks and every item's seed.
    """

    def __init__(self, base: GenerationRequest, batch_seed: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Batch")
        self._base = replace(base, seed=None, batch_count=1)
        self._batch_seed = batch_seed
        self._items: list[BatchItem] = []
        self.template_edit = QLineEdit(base.prompt)
        self.template_edit.setPlaceholderText("{red|green|blue} {potion|sword}")
        self.count_label = QLabel()
        self.prompt_list = QListWidget()
        self.buttons = ok_cancel_buttons(self, "Queue")
        layout = QVBoxLayout(self)
        hint = QLabel("{a|b} every combination · {a|b|c}[2] two at random · \\{ a brace")
        for widget in (self.template_edit, hint, self.count_label, self.prompt_list, self.buttons):
            layout.addWidget(widget)
        self.template_edit.textChanged.connect(self._update)
        self._update()

    @property
    def items(self) -> list[BatchItem]:
        """What Queue would submit (empty while the template is invalid)."""
        return list(self._items)

    def _update(self) -> None:
        self.prompt_list.clear()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            template = parse_template(self.template_edit.text())
            count = template.count()
            prompts = template.expand(self._batch_seed)
            drafts = [BatchDraft(replace(self._base, prompt=p), "window") for p in prompts]
            self._items = build_items(drafts, self._batch_seed)
        except InvalidRequestError as exc:
            self._items = []
            self.count_label.setText(str(exc))
            ok.setEnabled(False)
            return
        plural = "image" if count == 1 else "images"
        self.count_label.setText(f"{count} {plural}, batch seed {self._batch_seed}")
        self.prompt_list.addItems([item.request.prompt for item in self._items[:PREVIEW_LIMIT]])
        ok.setEnabled(count > 0)
