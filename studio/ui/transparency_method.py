"""How "Transparent background" is made: matte (a key colour) or native (LayerDiffuse).

A combo box bound to ``GenerateViewModel.transparent``, and the box that keeps an entry's
transparent background in work made from it (:func:`kept_transparency_box`). Native is
offered only when the model's family has its LayerDiffuse files among the user's models;
otherwise its item is greyed out and its tooltip says which files to add (the reason the CLI
gives, from :func:`studio.domain.transparency.native_problem`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from studio.domain.transparency import NATIVE

MATTE_TIP = "Painted on a flat key colour, which is matted out; works with every SD model."
NATIVE_TIP = "LayerDiffuse: the model paints the alpha itself, with your LayerDiffuse files."


class TransparencyMethodCombo(QComboBox):
    """Matte (the item's data ``""``: the request's default) or native."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transparencyMethod")
        self.addItem("Matte (key colour)", "")
        self.addItem("Native (LayerDiffuse)", NATIVE)
        self.setItemData(0, MATTE_TIP, Qt.ItemDataRole.ToolTipRole)
        self.show_native_problem(None)

    def show_native_problem(self, problem: str | None) -> None:
        """Offer native, or grey it out with ``problem`` as its tooltip (and fall back to
        matte if it was chosen)."""
        item = self._model().item(1)
        item.setEnabled(problem is None)
        self.setItemData(1, problem or NATIVE_TIP, Qt.ItemDataRole.ToolTipRole)
        if problem is not None and self.currentIndex() == 1:
            self.setCurrentIndex(0)
        self.setToolTip(problem or "How the transparent background is made.")

    def native_offered(self) -> bool:
        return self._model().item(1).isEnabled()

    def _model(self) -> QStandardItemModel:
        model = self.model()
        assert isinstance(model, QStandardItemModel)
        return model


def kept_transparency_box(method: str) -> QCheckBox:
    """ "Transparent background (native)": ticked, keeps the ``method`` (``"native"`` or
    ``"matte"``) an entry was made with; hidden when it has none (``""``)."""
    box = QCheckBox(f"Transparent background ({method})")
    box.setToolTip("As the entry was made: every frame gets real alpha")
    box.setVisible(bool(method))
    return box
