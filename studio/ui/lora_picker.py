"""The LoRA and embedding picker of the Generate tab, bound to an :class:`AddonsViewModel`.

A list of the LoRAs found (preview, name, family; a check to choose one), a filter box, and a
row per chosen LoRA with its weight. Nothing here holds state: every click rewrites the prompt
through the view-model, and the widgets follow the view-model back, so a tag typed into the
prompt checks its LoRA and adds its weight row.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.domain.model_addition import family_label
from studio.domain.model_kind import AddonInfo
from studio.ui.addon_thumbnails import ICON_SIZE, PREVIEWS_PER_TURN, AddonThumbnails
from studio.ui.embedding_picker import ADDON_ROLE, EmbeddingPicker
from studio.ui.lora_weight_row import WeightRow
from studio.ui.properties import bind
from studio.ui.viewmodels.addons import AddonsViewModel, ChosenLora


class LoraPicker(QGroupBox):
    """LoRAs (filter, list, weights) and embeddings; see the module docstring."""

    def __init__(self, view_model: AddonsViewModel, parent: QWidget | None = None) -> None:
        super().__init__("LoRAs and embeddings", parent)
        self.setObjectName("loraPicker")
        self.view_model = view_model
        self.thumbnails = AddonThumbnails()
        self._rows: dict[str, WeightRow] = {}
        self._filling = False
        # Previews are read a few per event-loop turn: 200 of them at ~10 ms each would
        # otherwise freeze the window for two seconds the first time the list fills.
        self._unread: list[tuple[int, AddonInfo]] = []
        self._preview_timer = QTimer(self)
        self._preview_timer.setInterval(0)
        self._preview_timer.timeout.connect(self._read_some_previews)
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

        self.embeddings = EmbeddingPicker(self.view_model)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.lora_list)
        layout.addLayout(self.weights)
        layout.addWidget(self.embeddings)

    # -- following the view-model -----------------------------------------------------------

    def _fill(self) -> None:
        vm = self.view_model
        self._filling = True
        self.lora_list.clear()
        self._unread = []
        for row, addon in enumerate(vm.loras()):
            self.lora_list.addItem(self._item(addon))
            if not self.thumbnails.is_read(addon):
                self._unread.append((row, addon))
        self._filling = False
        if self._unread:
            self._preview_timer.start()
        empty = vm.empty_text()
        self.empty_label.setText(empty)
        self.empty_label.setVisible(bool(empty))
        self.filter_edit.setVisible(vm.has_loras())
        self.lora_list.setVisible(bool(vm.loras()))
        self.embeddings.fill()
        self._follow_chosen()

    def _item(self, addon: AddonInfo) -> QListWidgetItem:
        detail = " · ".join(part for part in (family_label(addon.family), addon.detail) if part)
        item = QListWidgetItem(f"{addon.name}\n{detail}")
        item.setData(ADDON_ROLE, addon)
        icon = self.thumbnails.icon(addon) if self.thumbnails.is_read(addon) else None
        item.setIcon(icon or self.thumbnails.blank())
        refusal = self.view_model.refusal(addon)
        flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
        # Greyed, not hidden: the artist sees the LoRA is there and why it cannot be used.
        item.setFlags(flags | (Qt.ItemFlag.NoItemFlags if refusal else Qt.ItemFlag.ItemIsEnabled))
        item.setToolTip(refusal or f"{addon.name} ({family_label(addon.family)})\n{addon.location}")
        checked = self.view_model.weight_of(addon) is not None
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return item

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

    def _read_some_previews(self) -> None:
        batch, self._unread = self._unread[:PREVIEWS_PER_TURN], self._unread[PREVIEWS_PER_TURN:]
        self._filling = True  # an icon is no click: the prompt must not be rewritten
        for row, addon in batch:
            icon = self.thumbnails.icon(addon)
            item = self.lora_list.item(row)
            if icon is not None and item is not None and item.data(ADDON_ROLE) == addon:
                item.setIcon(icon)
        self._filling = False
        if not self._unread:
            self._preview_timer.stop()

    def previews_pending(self) -> int:
        """Previews of the shown LoRAs not read yet."""
        return len(self._unread)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        addon: AddonInfo = item.data(ADDON_ROLE)
        ticked = item.checkState() == Qt.CheckState.Checked
        # Only a change of the tick is a pick: itemChanged also fires for text and icons.
        if ticked and self.view_model.weight_of(addon) is None:
            self.view_model.choose(addon)
        elif not ticked and self.view_model.weight_of(addon) is not None:
            self.view_model.remove(addon.name)

    def weight_rows(self) -> dict[str, WeightRow]:
        """The weight row of each chosen LoRA, by name as the prompt writes it."""
        return dict(self._rows)
