"""The embeddings of the add-on picker: a list whose names go into the prompt or the negative."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.domain.model_addition import family_label
from studio.ui.viewmodels.addons import AddonsViewModel

ADDON_ROLE = Qt.ItemDataRole.UserRole  # an item's AddonInfo


class EmbeddingPicker(QWidget):
    """Textual-inversion embeddings found, each greyed with the reason when it does not fit.

    An embedding is used by its name, as in A1111: a double-click writes it into the prompt,
    the buttons into the prompt or the negative prompt (where "bad hands" ones belong).
    """

    def __init__(self, view_model: AddonsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view_model = view_model
        self.embedding_list = QListWidget()
        self.embedding_list.setObjectName("embeddingList")
        self.embedding_list.setMaximumHeight(80)
        self.embedding_list.itemDoubleClicked.connect(lambda item: self._insert(item, False))
        self.to_prompt = QPushButton("Into Prompt")
        self.to_negative = QPushButton("Into Negative")
        self.to_prompt.setToolTip("Write the selected embedding's name into the prompt")
        self.to_negative.setToolTip("Write the selected embedding's name into the negative prompt")
        self.to_prompt.clicked.connect(lambda: self._insert(self.embedding_list.currentItem()))
        self.to_negative.clicked.connect(
            lambda: self._insert(self.embedding_list.currentItem(), True)
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.to_prompt)
        buttons.addWidget(self.to_negative)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Embeddings (double-click: into the prompt)"))
        layout.addWidget(self.embedding_list)
        layout.addLayout(buttons)

    def fill(self) -> None:
        """List the view-model's embeddings; hidden when there are none."""
        self.embedding_list.clear()
        found = self.view_model.embeddings()
        for addon in found:
            item = QListWidgetItem(f"{addon.name}  ({family_label(addon.family)})")
            item.setData(ADDON_ROLE, addon)
            refusal = self.view_model.refusal(addon)
            if refusal:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            item.setToolTip(refusal or addon.location)
            self.embedding_list.addItem(item)
        self.setVisible(bool(found))

    def _insert(self, item: QListWidgetItem | None, negative: bool = False) -> None:
        if item is not None and item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.view_model.insert_embedding(item.data(ADDON_ROLE), negative=negative)
