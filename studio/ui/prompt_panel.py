"""The prompt panel: the widgets of everything a generation needs.

The state lives in :class:`~studio.ui.viewmodels.generate.GenerateViewModel`
(``panel.view_model``); the widgets are bound to it both ways, and Generate turns it into a
request.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
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
from studio.domain.request_limits import MAX_BATCH, MAX_STEPS
from studio.domain.samplers import SAMPLER_NAMES
from studio.domain.transparency import native_problem
from studio.ops.edit_rules import edit_refusal
from studio.ui.advanced_group import AdvancedGroup
from studio.ui.control_panel import ControlPanel
from studio.ui.hires_group import HiresGroup
from studio.ui.image_convert import qimage_from_png
from studio.ui.init_image_group import InitImageGroup
from studio.ui.model_picker import ModelPicker
from studio.ui.properties import bind
from studio.ui.reference_panel import ReferencePanel
from studio.ui.size_picker import SizePicker
from studio.ui.transparency_method import TransparencyMethodCombo
from studio.ui.viewmodels.generate import GenerateViewModel

TRANSPARENT_TIP = (
    "Stable Diffusion paints on flat green and the green is matted out, so the image has real "
    "alpha and no halo."
)


class PromptPanel(QWidget):
    """Prompt, negative prompt, model, sampler, steps, CFG, seed, size, batch and init image.

    The panel never talks to the engine and holds no state of its own: its widgets show
    ``view_model``, which builds the request when the user presses Generate.
    """

    generate_requested = Signal()
    cancel_requested = Signal()
    model_changed = Signal(str)
    init_image_cleared = Signal()

    def __init__(self, view_model: GenerateViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("promptPanel")
        self.view_model = view_model
        self._build()
        self._connect()
        self._bind()
        self._show_models(self.view_model.models)

    # -- construction -----------------------------------------------------------------------

    def _build(self) -> None:
        self.prompt_edit = QPlainTextEdit()
        self.prompt_edit.setObjectName("promptEdit")
        self.prompt_edit.setPlaceholderText("Describe the image… (Ctrl+Enter to generate)")
        self.negative_edit = QPlainTextEdit()
        self.negative_edit.setObjectName("negativeEdit")
        self.negative_edit.setPlaceholderText("What to avoid (negative prompt)")
        self.negative_edit.setMaximumHeight(70)

        self.model_combo = ModelPicker(self.view_model)
        self.sampler_combo = QComboBox()
        self.sampler_combo.addItems(SAMPLER_NAMES)
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, MAX_STEPS)
        self.cfg_spin = QDoubleSpinBox()
        self.cfg_spin.setRange(0.0, 30.0)
        self.cfg_spin.setSingleStep(0.5)

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

        self.size_picker = SizePicker(self.view_model.width, self.view_model.height)
        self.width_spin = self.size_picker.width_spin
        self.height_spin = self.size_picker.height_spin

        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(1, MAX_BATCH)
        self.transparent_check = QCheckBox("Transparent background")
        self.transparent_check.setObjectName("transparentBackground")
        self.transparent_check.setToolTip(TRANSPARENT_TIP)
        self.transparent_method = TransparencyMethodCombo()
        self.alpha_combo = QComboBox()
        self.alpha_combo.setObjectName("alphaMode")
        self.alpha_combo.addItem("Crisp (no halo on a game background)", "crisp")
        self.alpha_combo.addItem("Soft (anti-aliased edges)", "soft")

        form = QFormLayout()
        form.addRow("Model", self.model_combo)
        form.addRow("Sampler", self.sampler_combo)
        steps_row = QHBoxLayout()
        steps_row.addWidget(self.steps_spin)
        self.few_step_label = QLabel(self.view_model.few_step_note)  # a few-step preset's note
        self.few_step_label.setWordWrap(True)  # on one line it widened the panel past its edge
        steps_row.addWidget(self.few_step_label, 1)
        form.addRow("Steps", steps_row)
        form.addRow("CFG scale", self.cfg_spin)
        form.addRow("Seed", seed_row)
        form.addRow("Size", self.size_picker)
        form.addRow("Batch count", self.batch_spin)
        form.addRow("Edges", self.alpha_combo)
        form.addRow(self.transparent_check, self.transparent_method)

        self.init_group = InitImageGroup(self.view_model.strength)
        self.strength_spin = self.init_group.strength_spin
        self.hires_group = HiresGroup()
        self.advanced_group = AdvancedGroup()
        self.control_panel = ControlPanel(self.view_model.control)
        self.reference_panel = ReferencePanel(self.view_model.reference)

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
        layout.addWidget(self.hires_group)
        layout.addWidget(self.control_panel)
        layout.addWidget(self.reference_panel)
        layout.addWidget(self.advanced_group)
        layout.addLayout(buttons)
        self._update_seed_lock_text()

    def _connect(self) -> None:
        self.generate_button.clicked.connect(self.generate_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.seed_lock.toggled.connect(self._update_seed_lock_text)
        self.model_combo.activated.connect(self._on_model_activated)
        self.model_combo.currentIndexChanged.connect(self._update_sampling_controls)
        self.init_group.clear_button.clicked.connect(self._on_clear_init)

    def _bind(self) -> None:
        """Widgets write their value into the view-model, and follow it when it changes."""
        vm = self.view_model
        widgets: dict[str, QWidget] = {
            "prompt": self.prompt_edit,
            "negative_prompt": self.negative_edit,
            "sampler": self.sampler_combo,
            "steps": self.steps_spin,
            "cfg_scale": self.cfg_spin,
            "width": self.width_spin,
            "height": self.height_spin,
            "batch_count": self.batch_spin,
            "strength": self.strength_spin,
            "transparent_background": self.transparent_check,
            "transparent": self.transparent_method,
            "alpha": self.alpha_combo,
            "seed_locked": self.seed_lock,
            "hires_enabled": self.hires_group,
            "hires_scale": self.hires_group.scale_spin,
            "hires_upscaler": self.hires_group.upscaler_combo,
            "hires_steps": self.hires_group.steps_spin,
            "step_cache": self.advanced_group.step_cache_spin,
        }
        # Connected before the combo's binding: a recipe's model upscaler is listed, not lost.
        vm.hires_upscaler_changed.connect(self.hires_group.offer_upscaler)
        self.hires_group.offer_upscaler(vm.hires_upscaler)
        for name, widget in widgets.items():
            bind(vm, name, widget)
        bind(vm, "strength", self.hires_group.denoise_spin)  # A1111 shares it with img2img
        bind(
            vm,
            "seed",
            self.seed_edit,
            to_model=lambda text: int(text) if text.strip() else None,
            to_widget=lambda seed: "" if seed is None else str(seed),
        )
        vm.models_changed.connect(self._show_models)
        vm.addons_changed.connect(self._update_sampling_controls)
        vm.busy_changed.connect(self.cancel_button.setEnabled)
        vm.few_step_note_changed.connect(self.few_step_label.setText)
        vm.init_image_changed.connect(self._show_init_image)

    # -- models -----------------------------------------------------------------------------

    def set_models(self, models: list[ModelInfo]) -> None:
        """Offer these models (the view-model's list), keeping the current choice when it is
        still there."""
        self.view_model.models = tuple(models)

    def _show_models(self, models: tuple[ModelInfo, ...]) -> None:
        fresh = self.model_combo.set_models(list(models))
        if fresh is not None:
            self.view_model.take_model_defaults(fresh)  # a fresh panel suits the default model
        self._update_sampling_controls()

    def has_models(self) -> bool:
        return self.model_combo.has_models()

    def current_model_id(self) -> str:
        return self.model_combo.current_model_id()

    def current_model(self) -> ModelInfo | None:
        return self.model_combo.current_model()

    def select_model(self, model_id: str) -> bool:
        return self.model_combo.select_model(model_id)

    def _on_model_activated(self, _index: int) -> None:
        info = self.current_model()
        if info is not None:
            self.view_model.take_model_defaults(info)
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
            widget.setToolTip(
                "" if info is None or used else f"{info.name} does not use this setting."
            )
        self.hires_group.show_refusal(edit_refusal(info, "hires"))  # the CLI's rule too
        self.control_panel.show_refusal(edit_refusal(info, "control"))
        self.reference_panel.show_refusal(edit_refusal(info, "reference"))
        builtin = info is not None and info.source == ModelSource.BUILTIN
        self.advanced_group.show_model(info.name if info else "", builtin)
        self.alpha_combo.setEnabled(builtin)
        self.alpha_combo.setToolTip(
            "How the built-in model's sprite edges meet the background."
            if builtin
            else "Stable Diffusion models: use Transparent background instead."
        )
        self.transparent_check.setEnabled(not builtin)
        self.transparent_method.setEnabled(not builtin)
        family = info.family if info is not None else None
        problem = native_problem(self.view_model.addons, family) if family else None
        self.transparent_method.show_native_problem(problem)
        self.transparent_check.setToolTip(
            f"{info.name} always draws sprites with real transparency."
            if info is not None and builtin
            else TRANSPARENT_TIP
        )

    def _update_seed_lock_text(self) -> None:
        locked = self.seed_lock.isChecked()
        self.seed_lock.setText("Locked" if locked else "Random")

    # -- init image -------------------------------------------------------------------------

    def _show_init_image(self, png: bytes | None) -> None:
        self.init_group.show_image(png is not None, qimage_from_png(png) if png else None)

    def _on_clear_init(self) -> None:
        self.init_image_cleared.emit()

    # -- state ------------------------------------------------------------------------------

    def set_can_generate(self, allowed: bool, reason: str = "") -> None:
        self.generate_button.setEnabled(allowed)
        self.generate_button.setToolTip("Generate (Ctrl+Enter)" if allowed else reason)
