"""The style panel: preset gallery, style images, blend weights, strength, colours, mask."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.ui.gallery_delegate import GalleryDelegate
from studio.ui.image_convert import qimage_from_png
from studio.ui.properties import bind
from studio.ui.viewmodels.style import StyleViewModel

GALLERY_ICON = 72
GALLERY_SPACING = 6
BLEND_LABEL_CHARS = 22  # a blend row's name is shortened past about this many characters
PRESET_ROLE = Qt.ItemDataRole.UserRole + 1


class StylePanel(QWidget):
    """Choose up to four styles, weigh them, and apply them to the canvas image.

    Signals
    -------
    apply_requested()
        Apply was pressed; the view-model builds the request
        (:meth:`StyleViewModel.build_request`).
    style_image_requested(), canvas_as_style_requested()
        The user wants to add a style from a file or from the canvas image.
    mask_mode_changed(bool)
        Painting a mask on the canvas was switched on or off.
    clear_mask_requested(), brush_size_changed(int)
    """

    apply_requested = Signal()
    style_image_requested = Signal()
    canvas_as_style_requested = Signal()
    mask_mode_changed = Signal(bool)
    clear_mask_requested = Signal()
    brush_size_changed = Signal(int)

    def __init__(self, view_model: StyleViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stylePanel")
        self.view_model = vm = view_model
        self._weights: list[QDoubleSpinBox] = []
        self._labels: list[QLabel] = []
        self._build()
        bind(vm, "strength", self.strength_spin)
        bind(vm, "preserve_colors", self.preserve_colors)
        bind(vm, "method", self.method_combo)
        bind(vm, "iterations", self.iterations_spin)
        bind(vm, "max_size", self.max_size_spin)
        vm.styles_changed.connect(self._rebuild_blend)
        vm.weights_changed.connect(self._show_weights)
        self._rebuild_blend()

    def _build(self) -> None:
        self.gallery = QListWidget()
        self.gallery.setObjectName("styleGallery")
        self.gallery.setViewMode(QListWidget.ViewMode.IconMode)
        self.gallery.setIconSize(QSize(GALLERY_ICON, GALLERY_ICON))
        self.gallery_delegate = GalleryDelegate(GALLERY_ICON, self.gallery)
        self.gallery.setItemDelegate(self.gallery_delegate)
        self.gallery.setUniformItemSizes(True)
        self.gallery.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.gallery.setMovement(QListWidget.Movement.Static)
        # Every preset in the blend shows as selected; a click toggles one in or out.
        self.gallery.setSelectionMode(QListWidget.SelectionMode.MultiSelection)
        self._fit_gallery_cells()
        self.gallery.setToolTip("Click a preset to add it to the blend (up to four styles).")
        self.gallery.itemClicked.connect(self._on_preset_clicked)
        self.gallery_status = QLabel("Loading preset styles…")

        add_image = QPushButton("Style from Image…")
        add_image.clicked.connect(self.style_image_requested)
        add_canvas = QPushButton("Canvas as Style")
        add_canvas.setToolTip("Use the image on the canvas as a style")
        add_canvas.clicked.connect(self.canvas_as_style_requested)
        add_row = QHBoxLayout()
        add_row.addWidget(add_image)
        add_row.addWidget(add_canvas)

        self.blend_box = QGroupBox("Blend (up to four styles)")
        self.blend_layout = QGridLayout(self.blend_box)
        self.blend_empty = QLabel("Pick a preset or add an image as a style.")
        self.blend_layout.addWidget(self.blend_empty, 0, 0, 1, 3)

        self.strength_spin = QDoubleSpinBox()
        self.strength_spin.setObjectName("styleStrength")
        self.strength_spin.setRange(0.0, 1.0)
        self.strength_spin.setSingleStep(0.05)
        self.strength_spin.setToolTip("0 leaves the image untouched, 1 is the full style")
        self.preserve_colors = QCheckBox("Keep original colours")
        self.preserve_colors.setToolTip("Transfer brush strokes and texture, not the palette")
        self.method_combo = QComboBox()
        self.method_combo.addItem("Fast (pretrained networks)", "fast")
        self.method_combo.addItem("Iterative (slow, higher fidelity)", "iterative")
        self.iterations_spin = QSpinBox()
        self.iterations_spin.setRange(1, 1000)
        self.max_size_spin = QSpinBox()
        self.max_size_spin.setRange(0, 4096)
        self.max_size_spin.setSingleStep(128)
        self.max_size_spin.setSpecialValueText("Full size")
        self.max_size_spin.setToolTip("Work at most this many pixels on the long side (faster)")

        self.mask_button = QToolButton()
        self.mask_button.setObjectName("maskButton")
        self.mask_button.setText("Paint Mask")
        self.mask_button.setCheckable(True)
        self.mask_button.setToolTip("Paint on the canvas where the style applies")
        self.mask_button.toggled.connect(self.mask_mode_changed)
        clear_mask = QToolButton()
        clear_mask.setText("Clear")
        clear_mask.clicked.connect(self.clear_mask_requested)
        self.brush_spin = QSpinBox()
        self.brush_spin.setRange(1, 512)
        self.brush_spin.setValue(32)
        self.brush_spin.setSuffix(" px")
        self.brush_spin.valueChanged.connect(self.brush_size_changed)
        mask_row = QHBoxLayout()
        mask_row.addWidget(self.mask_button)
        mask_row.addWidget(QLabel("Brush"))
        mask_row.addWidget(self.brush_spin)
        mask_row.addWidget(clear_mask)

        form = QFormLayout()
        form.addRow("Strength", self.strength_spin)
        form.addRow(self.preserve_colors)
        form.addRow("Method", self.method_combo)
        form.addRow("Iterations", self.iterations_spin)
        form.addRow("Max size", self.max_size_spin)
        form.addRow("Mask", mask_row)

        self.apply_button = QPushButton("Apply Style")
        self.apply_button.setObjectName("applyStyleButton")
        self.apply_button.setToolTip("Apply to the canvas image (Ctrl+Shift+Enter)")
        self.apply_button.clicked.connect(self.apply_requested)

        layout = QVBoxLayout(self)
        layout.addWidget(self.gallery, 3)
        layout.addWidget(self.gallery_status)
        layout.addLayout(add_row)
        layout.addWidget(self.blend_box)
        layout.addLayout(form)
        layout.addWidget(self.apply_button)

    # -- gallery ----------------------------------------------------------------------------

    def _fit_gallery_cells(self) -> None:
        """Size the grid to the delegate's cells, for the gallery's font and names."""
        cell = self.gallery_delegate.cell_size(self.gallery.font())
        self.gallery.setGridSize(cell + QSize(GALLERY_SPACING, GALLERY_SPACING))
        # Whatever the blend below takes, one full row of presets stays in view.
        frame = 2 * self.gallery.frameWidth()
        self.gallery.setMinimumHeight(cell.height() + GALLERY_SPACING + frame)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_gallery_cells()

    def set_presets(self, presets: list[tuple[int, str, bytes | None]]) -> None:
        """Fill the gallery with ``(index, name, thumbnail PNG or None)`` rows."""
        self.gallery.clear()
        self.gallery_delegate.set_names([name for _index, name, _thumbnail in presets])
        self._fit_gallery_cells()
        for index, name, thumbnail in presets:
            item = QListWidgetItem(name)
            item.setData(PRESET_ROLE, index)
            item.setToolTip(f"Preset {index}: {name}")
            if thumbnail:
                item.setIcon(QIcon(QPixmap.fromImage(qimage_from_png(thumbnail))))
            self.gallery.addItem(item)
        self.gallery_status.setVisible(not presets)

    def set_presets_failed(self, message: str) -> None:
        self.gallery_status.setText(f"Preset styles unavailable: {message}")
        self.gallery_status.setVisible(True)

    def _on_preset_clicked(self, item: QListWidgetItem) -> None:
        self.view_model.toggle_preset(item.data(PRESET_ROLE), item.text())

    # -- blend ------------------------------------------------------------------------------

    def _rebuild_blend(self, _styles: object = None) -> None:
        styles, weights = self.view_model.styles, self.view_model.weights
        while self.blend_layout.count():
            item = self.blend_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.blend_empty:
                widget.deleteLater()
        self._weights = []
        self._labels = []
        self.blend_layout.addWidget(self.blend_empty, 0, 0, 1, 3)
        self.blend_empty.setVisible(not styles)
        for row, style in enumerate(styles, start=1):
            weight = QDoubleSpinBox()
            weight.setRange(0.0, 10.0)
            weight.setSingleStep(0.1)
            weight.setValue(weights[row - 1])
            weight.setToolTip("Relative weight in the blend")
            weight.valueChanged.connect(
                lambda value, r=row - 1: self.view_model.set_weight(r, value)
            )
            remove = QToolButton()
            remove.setText("✕")
            remove.setToolTip("Remove from the blend")
            remove.clicked.connect(lambda _=False, r=row - 1: self.view_model.remove_style(r))
            label = _blend_label(style.label)
            self.blend_layout.addWidget(label, row, 0)
            self.blend_layout.addWidget(weight, row, 1)
            self.blend_layout.addWidget(remove, row, 2)
            self._weights.append(weight)
            self._labels.append(label)
        self._sync_gallery_selection()

    def _show_weights(self, weights: tuple[float, ...]) -> None:
        for spin, weight in zip(self._weights, weights, strict=False):
            if spin.value() != weight:
                spin.setValue(weight)

    def weight_spins(self) -> list[QDoubleSpinBox]:
        return list(self._weights)

    def blend_labels(self) -> list[QLabel]:
        """The name labels of the blend rows, in blend order."""
        return list(self._labels)

    def _sync_gallery_selection(self) -> None:
        chosen = {s.preset for s in self.view_model.styles if s.preset is not None}
        for row in range(self.gallery.count()):
            item = self.gallery.item(row)
            item.setSelected(item.data(PRESET_ROLE) in chosen)


def _blend_label(name: str) -> QLabel:
    """A blend row's name, shortened in the middle (a file keeps its extension) when long."""
    label = QLabel()
    width = label.fontMetrics().averageCharWidth() * BLEND_LABEL_CHARS
    label.setText(label.fontMetrics().elidedText(name, Qt.TextElideMode.ElideMiddle, width))
    label.setMaximumWidth(width)
    label.setToolTip(name)
    return label
