"""The main window's layout: Generate tab, three-pane splitter, empty-canvas text, geometry.

Only widgets and their arrangement; :class:`~studio.ui.main_window.MainWindow` wires them.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QFrame, QMainWindow, QScrollArea, QSplitter, QVBoxLayout, QWidget

from studio.ui.canvas import CanvasView
from studio.ui.edit_panel import EditPanel
from studio.ui.history_panel import HistoryPanel
from studio.ui.notice import NoticeBanner
from studio.ui.prompt_panel import PromptPanel

# What the empty canvas says: how to add a model, or how to start once there is one.
NO_MODEL_MESSAGE = (
    "<b>No model yet.</b><br><br>Add a Stable Diffusion checkpoint with "
    "<i>File › Add Model File…</i> (.safetensors), or a diffusers folder or your A1111, "
    "ComfyUI or InvokeAI folder with <i>File › Add Model Folder…</i>.<br>Models in your "
    "Hugging Face cache are found automatically."
)
READY_MESSAGE = (
    "Type a prompt and press Ctrl+Enter to generate.<br>Drop a PNG here to reuse its recipe."
)


def generate_tab(prompt_panel: PromptPanel, addons: QWidget, edit_panel: EditPanel) -> QWidget:
    """The Generate tab: the prompt panel, the LoRA picker, then the canvas edits, scrolling
    together."""
    content = QWidget()
    layout = QVBoxLayout(content)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(prompt_panel)
    layout.addWidget(addons)
    layout.addWidget(edit_panel)
    layout.addStretch(1)
    scroll = QScrollArea()
    scroll.setObjectName("generateTab")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    # Scroll down only: the panels keep their full width (the vertical bar comes on top).
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    bar = scroll.verticalScrollBar().sizeHint().width()
    scroll.setMinimumWidth(content.minimumSizeHint().width() + bar)
    return scroll


def main_splitter(
    tools: QWidget, notice: NoticeBanner, canvas: CanvasView, history_panel: HistoryPanel
) -> QSplitter:
    """Tools left, the notice over the canvas in the middle (it alone stretches), history right."""
    center = QWidget()
    center_layout = QVBoxLayout(center)
    center_layout.setContentsMargins(0, 0, 0, 0)
    center_layout.setSpacing(0)
    center_layout.addWidget(notice)
    center_layout.addWidget(canvas, 1)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(tools)
    splitter.addWidget(center)
    splitter.addWidget(history_panel)
    for index, stretch in enumerate((0, 1, 0)):
        splitter.setStretchFactor(index, stretch)
    splitter.setCollapsible(1, False)
    return splitter


def save_geometry(window: QMainWindow, splitter: QSplitter) -> None:
    """Remember the window's size and place and the splitter's panes for the next start."""
    QSettings().setValue("window/geometry", window.saveGeometry())
    QSettings().setValue("window/splitter", splitter.saveState())


def restore_geometry(window: QMainWindow, splitter: QSplitter) -> None:
    """Put the window and the splitter back as :func:`save_geometry` left them, if it did."""
    geometry = QSettings().value("window/geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    state = QSettings().value("window/splitter")
    if isinstance(state, QByteArray) and not state.isEmpty():
        splitter.restoreState(state)
