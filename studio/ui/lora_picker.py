"""The LoRA and embedding picker of the Generate tab, bound to an :class:`AddonsViewModel`.

A list of the LoRAs found (preview, name, family; a check to choose one), a filter box, and a
row per chosen LoRA with its weight. Nothing here holds state: every click rewrites the prompt
through the view-model, and the widgets follow the view-model back, so a tag typed into the
prompt checks its LoRA and adds its weight row.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.domain.model_addition import family_label
from studio.domain.model_kind import AddonInfo
from studio.ui.addon_thumbnails import ICON_SIZE, AddonThumbnails
from studio.ui.properties import bind
from studio.ui.viewmodels.addons import AddonsViewModel, ChosenLora

ADDON_ROLE = Qt.ItemDataRole.UserRole
MAX_WEIGHT = 10.0  # A1111 users go past 1 and below 0; the tag allows up to 100


class WeightRow(QWidget):
    """One chosen LoRA: its name, a weight spin box and a remove button."""

    def __init__(self, chosen: ChosenLora, picker: AddonsViewModel) -> None:
        super().__init__()
        self.name = chosen.name
        label = QLabel(chosen.name)
        label.setToolTip(
            chosen.addon.location
            if chosen.addon is not None
            else f"No LoRA named {chosen.name} in your model folders: Generate will say so."
        )
        if chosen.addon is None:
            label.setStyleSheet("color: #d08770;")
        self.spin = QDoubleSpinBox()
        self.spin.setObjectName("loraWeight")
        self.spin.setRange(-MAX_WEIGHT, MAX_WEIGHT)
        self.spin.setSingleStep(0.05)
        self.spin.setDecimals(2)
        self.spin.setValue(chosen.weight)
        self.spin.setToolTip(f"The weight in <lora:{chosen.name}:…> (0 turns it off)")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.remove.setToolTip("Remove this LoRA's tag from the prompt")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label, 1)
        layout.addWidget(self.spin)
        layout.addWidget(self.remove)
        self.spin.valueChanged.connect(lambda value: picker.set_weight(self.name, value))
        self.remove.clicked.connect(lambda: picker.remove(self.name))

    def show_weight(self, weight: float) -> None:
        """Show the prompt's weight without writing it back: the prompt keeps its spelling."""
        if abs(self.spin.value() - weight) > 1e-9:
            with QSignalBlocker(self.spin):
                self.spin.setValue(weight)


class LoraPicker(QGroupBox):
    """LoRAs (filter, list, weights) and embeddings; see the module docstring."""

    def __init__(self, view_model: AddonsViewModel, parent: QWidget | None = None) -> None:
        super().__init__("LoRAs and embeddings", parent)
        self.setObjectName("loraPicker")
        self.view_model = view_model
        self.thumbnails = AddonThumbnails()
        self._rows: dict[str, WeightRow] = {}
        self._filling = False
        self._build()
        vm = view_model
        bind(vm, "filter_text", self.filter_edit)
        for signal in (vm.addons_changed, vm.filter_text_changed, vm.model_changed):
            signal.connect(lambda *_: self._fill())
        vm.chosen_changed.connect(lambda *_: self._follow_chosen())
        self._fill()

    def _build(self) -> None:
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("loraFilter")
        self.filter_edit.setPlaceholderText("Filter LoRAs by name or family")
        self.filter_edit.setClearButtonEnabled(True)
        self.lora_list = QListWidget()
        self.lora_list.setObjectName("loraList")
        self.lora_list.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.lora_list.setMinimumHeight(150)
        self.lora_list.itemChanged.connect(self._on_item_changed)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("loraEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: palette(placeholder-text);")
        self.weights = QVBoxLayout()
        self.weights.setContentsMargins(0, 0, 0, 0)

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
        self.embeddings_box = QWidget()
        embeddings = QVBoxLayout(self.embeddings_box)
        embeddings.setContentsMargins(0, 0, 0, 0)
        embeddings.addWidget(QLabel("Embeddings (double-click: into the prompt)"))
        embeddings.addWidget(self.embedding_list)
        embeddings.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.lora_list)
        layout.addLayout(self.weights)
        layout.addWidget(self.embeddings_box)

    # -- following the view-model -----------------------------------------------------------

    def _fill(self) -> None:
        vm = self.view_model
        self._filling = True
        self.lora_list.clear()
        for addon in vm.loras():
            self.lora_list.addItem(self._item(addon))
        self._filling = False
        empty = vm.empty_text()
        self.empty_label.setText(empty)
        self.empty_label.setVisible(bool(empty))
        self.filter_edit.setVisible(vm.has_loras())
        self.lora_list.setVisible(bool(vm.loras()))
        self._fill_embeddings()
        self._follow_chosen()

    def _item(self, addon: AddonInfo) -> QListWidgetItem:
        detail = " · ".join(part for part in (family_label(addon.family), addon.detail) if part)
        item = QListWidgetItem(f"{addon.name}\n{detail}")
        item.setData(ADDON_ROLE, addon)
        item.setIcon(self.thumbnails.icon(addon) or self.thumbnails.blank())
        refusal = self.view_model.refusal(addon)
        flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
        # Greyed, not hidden: the artist sees the LoRA is there and why it cannot be used.
        item.setFlags(flags | (Qt.ItemFlag.NoItemFlags if refusal else Qt.ItemFlag.ItemIsEnabled))
        item.setToolTip(refusal or f"{addon.name} ({family_label(addon.family)})\n{addon.location}")
        checked = self.view_model.weight_of(addon) is not None
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return item

    def _fill_embeddings(self) -> None:
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
        self.embeddings_box.setVisible(bool(found))

    def _follow_chosen(self) -> None:
        self._filling = True
        for index in range(self.lora_list.count()):
            item = self.lora_list.item(index)
            ticked = self.view_model.weight_of(item.data(ADDON_ROLE)) is not None
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self._filling = False
        chosen = self.view_model.chosen()
        if [c.name for c in chosen] != list(self._rows):
            self._rebuild_rows(chosen)
        for entry in chosen:
            self._rows[entry.name].show_weight(entry.weight)

    def _rebuild_rows(self, chosen: tuple[ChosenLora, ...]) -> None:
        # Rebuilt only when the set of LoRAs changes, so a spin box being typed in survives.
        for row in self._rows.values():
            self.weights.removeWidget(row)
            row.deleteLater()
        self._rows = {entry.name: WeightRow(entry, self.view_model) for entry in chosen}
        for row in self._rows.values():
            self.weights.addWidget(row)

    # -- user actions -----------------------------------------------------------------------

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        addon: AddonInfo = item.data(ADDON_ROLE)
        if item.checkState() == Qt.CheckState.Checked:
            self.view_model.choose(addon)
        else:
            self.view_model.remove(addon.name)

    def _insert(self, item: QListWidgetItem | None, negative: bool = False) -> None:
        if item is not None and item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.view_model.insert_embedding(item.data(ADDON_ROLE), negative=negative)

    def weight_rows(self) -> dict[str, WeightRow]:
        """The weight row of each chosen LoRA, by name as the prompt writes it."""
        return dict(self._rows)
