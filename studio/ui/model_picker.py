"""The model combo of the prompt panel, bound to ``GenerateViewModel.model``."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from studio.domain.models import ModelInfo
from studio.ui.viewmodels.generate import GenerateViewModel

NO_MODEL_TEXT = "No model: use File > Add Model…"


class ModelPicker(QComboBox):
    """Offers the listed models and keeps ``settings.model`` and the shown model the same.

    A restored project may name a model that is not (yet) listed: it is remembered and chosen
    when a listing offers it, while the picker shows, and the request uses, one that is there.
    """

    def __init__(self, settings: GenerateViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelCombo")
        self._settings = settings
        self._models: list[ModelInfo] = []
        self._wanted = ""
        self.currentIndexChanged.connect(self._on_index_changed)
        settings.model_changed.connect(self._follow)

    def set_models(self, models: list[ModelInfo]) -> ModelInfo | None:
        """Offer ``models``; returns the model chosen for a panel that had none, else ``None``."""
        wanted = self._wanted or self._settings.model
        self._models = list(models)
        self.blockSignals(True)  # refilling is no choice of the user's
        self.clear()
        for info in self._models:
            self.addItem(info.name, info.id)
            self.setItemData(
                self.count() - 1,
                f"{info.name}\n{info.location or info.id}\n({info.source.value})",
                Qt.ItemDataRole.ToolTipRole,
            )
        if not self._models:
            self.addItem(NO_MODEL_TEXT, "")
        self.setEnabled(bool(self._models))
        self.blockSignals(False)
        if wanted and self.select_model(wanted):
            self._wanted = ""
            self._settings.model = wanted
            return None
        if not self._models:
            return None
        self.setCurrentIndex(0)
        self._settings.model = self._models[0].id
        self._wanted = wanted  # after: following the stand-in would clear the wish
        return None if wanted else self._models[0]

    def has_models(self) -> bool:
        return bool(self._models)

    def current_model_id(self) -> str:
        """The model shown (``""`` while none is listed)."""
        return self.currentData() or ""

    def current_model(self) -> ModelInfo | None:
        model_id = self.current_model_id()
        return next((m for m in self._models if m.id == model_id), None)

    def select_model(self, model_id: str) -> bool:
        """Show ``model_id`` if it is on offer."""
        index = self.findData(model_id) if model_id else -1
        if index >= 0:
            self.setCurrentIndex(index)
        return index >= 0

    def _follow(self, model_id: str) -> None:
        if self.select_model(model_id):
            self._wanted = ""
        elif self._models:
            self._wanted = model_id
            self._settings.model = self.current_model_id()

    def _on_index_changed(self, _index: int) -> None:
        model_id = self.currentData()
        if model_id:
            self._settings.model = model_id
