"""The prompt panel: everything a generation needs, turned into a request on Generate."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.domain.models import ModelInfo, ModelSource
from studio.domain.requests import MAX_BATCH, MAX_SEED, MAX_SIDE, MAX_STEPS, GenerationRequest
from studio.domain.samplers import DEFAULT_SAMPLER, SAMPLER_NAMES

TRANSPARENT_TIP = (
    "Stable Diffusion paints on flat green and the green is matted out, so the image has real "
    "alpha and no halo."
)
SIZE_PRESETS: tuple[tuple[int, int], ...] = (
    (64, 64),
    (128, 128),
    (256, 256),
    (512, 512),
    (512, 768),
    (768, 512),
    (768, 768),
    (1024, 1024),
    (832, 1216),
    (1216, 832),
)
CUSTOM_SIZE = "Custom"


def _preset_label(size: tuple[int, int]) -> str:
    return f"{size[0]} × {size[1]}"


class PromptPanel(QWidget):
    """Prompt, negative prompt, model, sampler, steps, CFG, seed, size, batch and init image.

    The panel never talks to the engine: :meth:`build_request` captures its state in a frozen
    request when the user presses Generate.
    """

    generate_requested = Signal()
    cancel_requested = Signal()
    model_changed = Signal(str)
    init_image_cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("promptPanel")
        self._init_png: bytes | None = None
        self._models: list[ModelInfo] = []
        # A restored project may name a model before the worker has listed the models.
        self._wanted_model = ""
        self._build()
        self._connect()
        self._sync_size_combo()
        self.set_models([])

    # -- construction -----------------------------------------------------------------------

    def _build(self) -> None:
        self.prompt_edit = QPlainTextEdit()
        self.prompt_edit.setObjectName("promptEdit")
        self.prompt_edit.setPlaceholderText("Describe the image… (Ctrl+Enter to generate)")
        self.negative_edit = QPlainTextEdit()
        self.negative_edit.setObjectName("negativeEdit")
        self.negative_edit.setPlaceholderText("What to avoid (negative prompt)")
        self.negative_edit.setMaximumHeight(70)

        self.model_combo = QComboBox()
        self.model_combo.setObjectName("modelCombo")
        self.sampler_combo = QComboBox()
        self.sampler_combo.addItems(SAMPLER_NAMES)
        self.sampler_combo.setCurrentText(DEFAULT_SAMPLER)
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, MAX_STEPS)
        self.steps_spin.setValue(25)
        self.cfg_spin = QDoubleSpinBox()
        self.cfg_spin.setRange(0.0, 30.0)
        self.cfg_spin.setSingleStep(0.5)
        self.cfg_spin.setValue(7.0)

        self.seed_edit = QLineEdit()
        self.seed_edit.setObjectName("seedEdit")
        self.seed_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,10}")))
        self.seed_edit.setPlaceholderText("random")
        self.seed_lock = QToolButton()
        self.seed_lock.setObjectName("seedLock")
        self.seed_lock.setCheckable(True)
        self.seed_lock.setToolTip("Locked: reuse this seed. Unlocked: a new random seed each time.")
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed_edit, 1)
        seed_row.addWidget(self.seed_lock)

        self.width_spin = self._side_spin(512)
        self.height_spin = self._side_spin(512)
        self.size_combo = QComboBox()
        self.size_combo.addItem(CUSTOM_SIZE)
        for size in SIZE_PRESETS:
            self.size_combo.addItem(_preset_label(size), size)
        size_row = QHBoxLayout()
        size_row.addWidget(self.width_spin)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.height_spin)
        size_row.addWidget(self.size_combo, 1)

        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(1, MAX_BATCH)
        self.transparent_check = QCheckBox("Transparent background")
        self.transparent_check.setObjectName("transparentBackground")
        self.transparent_check.setToolTip(TRANSPARENT_TIP)

        form = QFormLayout()
        form.addRow("Model", self.model_combo)
        form.addRow("Sampler", self.sampler_combo)
        form.addRow("Steps", self.steps_spin)
        form.addRow("CFG scale", self.cfg_spin)
        form.addRow("Seed", seed_row)
        form.addRow("Size", size_row)
        form.addRow("Batch count", self.batch_spin)
        form.addRow(self.transparent_check)

        self.init_group = self._build_init_group()

        self.generate_button = QPushButton("Generate")
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setToolTip("Generate (Ctrl+Enter)")
        self.generate_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip("Cancel the running job (Esc)")
        self.cancel_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_button, 2)
        buttons.addWidget(self.cancel_button, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Prompt"))
        layout.addWidget(self.prompt_edit, 2)
        layout.addWidget(QLabel("Negative prompt"))
        layout.addWidget(self.negative_edit)
        layout.addLayout(form)
        layout.addWidget(self.init_group)
        layout.addLayout(buttons)
        self._update_seed_lock_text()

    def _build_init_group(self) -> QGroupBox:
        group = QGroupBox("Init image (image to image)")
        group.setObjectName("initImageGroup")
        self.init_thumb = QLabel()
        self.init_thumb.setFixedSize(64, 64)
        self.init_thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.strength_spin = QDoubleSpinBox()
        self.strength_spin.setRange(0.0, 1.0)
        self.strength_spin.setSingleStep(0.05)
        self.strength_spin.setValue(0.75)
        self.strength_spin.setToolTip("How much is repainted: 0 keeps the image, 1 ignores it.")
        self.clear_init_button = QPushButton("Clear")
        row = QHBoxLayout(group)
        row.addWidget(self.init_thumb)
        form = QFormLayout()
        form.addRow("Strength", self.strength_spin)
        form.addRow(self.clear_init_button)
        row.addLayout(form, 1)
        group.setVisible(False)
        return group

    def _side_spin(self, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(16, MAX_SIDE)
        spin.setSingleStep(8)
        spin.setValue(value)
        spin.setSuffix(" px")
        return spin

    def _connect(self) -> None:
        self.generate_button.clicked.connect(self.generate_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.seed_lock.toggled.connect(self._update_seed_lock_text)
        self.size_combo.activated.connect(self._on_size_preset)
        self.width_spin.valueChanged.connect(self._sync_size_combo)
        self.height_spin.valueChanged.connect(self._sync_size_combo)
        self.model_combo.activated.connect(self._on_model_activated)
        self.model_combo.currentIndexChanged.connect(self._update_sampling_controls)
        self.clear_init_button.clicked.connect(self._on_clear_init)

    # -- models -----------------------------------------------------------------------------

    def set_models(self, models: list[ModelInfo]) -> None:
        """Offer these models, keeping the current choice when it is still there."""
        current = self._wanted_model or self.current_model_id()
        self._models = list(models)
        self.model_combo.clear()
        for info in self._models:
            self.model_combo.addItem(info.name, info.id)
            self.model_combo.setItemData(
                self.model_combo.count() - 1,
                f"{info.name}\n{info.location or info.id}\n({info.source.value})",
                Qt.ItemDataRole.ToolTipRole,
            )
        if not self._models:
            self.model_combo.addItem("No model: use File > Add Model…", "")
        self.model_combo.setEnabled(bool(self._models))
        if current and self.select_model(current):
            self._wanted_model = ""
        elif not current and self._models:
            self._apply_model_defaults(self._models[0])  # a fresh panel suits the default model

    def has_models(self) -> bool:
        return bool(self._models)

    def current_model_id(self) -> str:
        return self.model_combo.currentData() or ""

    def current_model(self) -> ModelInfo | None:
        model_id = self.current_model_id()
        return next((m for m in self._models if m.id == model_id), None)

    def select_model(self, model_id: str) -> bool:
        index = self.model_combo.findData(model_id)
        if index >= 0:
            self.model_combo.setCurrentIndex(index)
        return index >= 0

    def _on_model_activated(self, _index: int) -> None:
        info = self.current_model()
        if info is not None:
            self._apply_model_defaults(info)
            self.model_changed.emit(info.id)

    def _sampling_widgets(self) -> dict[str, QWidget]:
        return {"sampler": self.sampler_combo, "steps": self.steps_spin, "cfg": self.cfg_spin}

    def _update_sampling_controls(self, _index: int = -1) -> None:
        # Settings the chosen model never reads are greyed out with the reason, so nobody
        # tunes steps on a model that draws in one pass. Their values stay as they were.
        info = self.current_model()
        for control, widget in self._sampling_widgets().items():
            used = info is None or control in info.controls
            widget.setEnabled(used)
            widget.setToolTip("" if used else f"{info.name} does not use this setting.")
        builtin = info is not None and info.source == ModelSource.BUILTIN
        self.transparent_check.setEnabled(not builtin)
        self.transparent_check.setToolTip(
            f"{info.name} always draws sprites with real transparency."
            if builtin
            else TRANSPARENT_TIP
        )

    def _apply_model_defaults(self, info: ModelInfo) -> None:
        # A model made for 64 px sprites and one made for 1024 px scenes need other sizes,
        # and Turbo models are meant for a few steps without guidance.
        self.width_spin.setValue(info.default_size[0])
        self.height_spin.setValue(info.default_size[1])
        if info.is_turbo:
            self.steps_spin.setValue(4)
            self.cfg_spin.setValue(0.0)

    # -- request ----------------------------------------------------------------------------

    def build_request(self) -> GenerationRequest:
        """Capture the panel in a request.

        Raises
        ------
        InvalidRequestError
            If a value is out of range; the message says which and how to fix it.
        """
        seed_text = self.seed_edit.text().strip()
        seed = int(seed_text) if self.seed_lock.isChecked() and seed_text else None
        return GenerationRequest(
            prompt=self.prompt_edit.toPlainText(),
            negative_prompt=self.negative_edit.toPlainText(),
            model=self.current_model_id(),
            sampler=self.sampler_combo.currentText(),
            steps=self.steps_spin.value(),
            cfg_scale=self.cfg_spin.value(),
            width=self.width_spin.value(),
            height=self.height_spin.value(),
            seed=seed,
            batch_count=self.batch_spin.value(),
            init_image=self._init_png,
            strength=self.strength_spin.value(),
            transparent_background=self.transparent_check.isChecked(),
        )

    def apply_request(self, data: dict[str, Any], *, lock_seed: bool = True) -> None:
        """Restore the panel from a stored request dict (history, a dropped PNG, a project)."""
        self.prompt_edit.setPlainText(str(data.get("prompt", "")))
        self.negative_edit.setPlainText(str(data.get("negative_prompt", "")))
        if data.get("model") and not self.select_model(str(data["model"])):
            self._wanted_model = str(data["model"])
        if data.get("sampler") in SAMPLER_NAMES:
            self.sampler_combo.setCurrentText(data["sampler"])
        self._set_int(self.steps_spin, data.get("steps"))
        self._set_int(self.width_spin, data.get("width"))
        self._set_int(self.height_spin, data.get("height"))
        self._set_int(self.batch_spin, data.get("batch_count"))
        if isinstance(data.get("cfg_scale"), int | float):
            self.cfg_spin.setValue(float(data["cfg_scale"]))
        if isinstance(data.get("strength"), int | float):
            self.strength_spin.setValue(float(data["strength"]))
        self.transparent_check.setChecked(data.get("transparent_background") is True)
        seed = data.get("seed")
        if isinstance(seed, int) and 0 <= seed <= MAX_SEED:
            self.seed_edit.setText(str(seed))
            if lock_seed:
                self.seed_lock.setChecked(True)

    @staticmethod
    def _set_int(spin: QSpinBox, value: object) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            spin.setValue(value)

    def show_used_seed(self, seed: int) -> None:
        """Display the seed a random-seed run used, so locking it reproduces the image."""
        if not self.seed_lock.isChecked():
            self.seed_edit.setText(str(seed))

    def _update_seed_lock_text(self) -> None:
        locked = self.seed_lock.isChecked()
        self.seed_lock.setText("Locked" if locked else "Random")

    # -- size -------------------------------------------------------------------------------

    def _on_size_preset(self, index: int) -> None:
        size = self.size_combo.itemData(index)
        if size:
            self.width_spin.setValue(size[0])
            self.height_spin.setValue(size[1])

    def _sync_size_combo(self) -> None:
        size = (self.width_spin.value(), self.height_spin.value())
        index = self.size_combo.findText(_preset_label(size))
        self.size_combo.setCurrentIndex(max(index, 0))

    # -- init image -------------------------------------------------------------------------

    def set_init_image(self, png: bytes | None, preview: QImage | None = None) -> None:
        """Use ``png`` as the image-to-image source (``None`` returns to text-to-image)."""
        self._init_png = png
        self.init_group.setVisible(png is not None)
        if png is not None and preview is not None and not preview.isNull():
            thumb = preview.scaled(
                64, 64, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
            )
            self.init_thumb.setPixmap(QPixmap.fromImage(thumb))
        else:
            self.init_thumb.clear()

    def init_image(self) -> bytes | None:
        return self._init_png

    def _on_clear_init(self) -> None:
        self.init_image_cleared.emit()

    # -- state ------------------------------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)

    def set_can_generate(self, allowed: bool, reason: str = "") -> None:
        self.generate_button.setEnabled(allowed)
        self.generate_button.setToolTip("Generate (Ctrl+Enter)" if allowed else reason)

    def state(self) -> dict[str, Any]:
        """Everything needed to restore the panel when the project is reopened."""
        data = {
            "prompt": self.prompt_edit.toPlainText(),
            "negative_prompt": self.negative_edit.toPlainText(),
            "model": self.current_model_id(),
            "sampler": self.sampler_combo.currentText(),
            "steps": self.steps_spin.value(),
            "cfg_scale": self.cfg_spin.value(),
            "width": self.width_spin.value(),
            "height": self.height_spin.value(),
            "batch_count": self.batch_spin.value(),
            "strength": self.strength_spin.value(),
            "transparent_background": self.transparent_check.isChecked(),
            "seed_locked": self.seed_lock.isChecked(),
        }
        if self.seed_edit.text():
            data["seed"] = int(self.seed_edit.text())
        return data

    def restore_state(self, data: dict[str, Any]) -> None:
        self.apply_request(data, lock_seed=False)
        self.seed_lock.setChecked(bool(data.get("seed_locked", False)))
        if "seed" not in data:
            self.seed_edit.clear()
