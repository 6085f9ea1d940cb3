"""A dismissible banner above the canvas for failures and warnings.

Non-modal on purpose: a failed job should not block the artist, and the message stays until
they dismiss it or the next job starts.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

_STYLES = {
    "error": "background: #5c1f24; color: #ffdede; border-radius: 4px;",
    "warning": "background: #5a4a1a; color: #fff2cc; border-radius: 4px;",
    "info": "background: #1f3d5c; color: #deeeff; border-radius: 4px;",
}


class NoticeBanner(QFrame):
    """One message at a time, with a kind (error, warning, info) and a close button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBanner")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(self.label.textInteractionFlags())
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.kind = ""
        self.hide()

    def show_message(self, text: str, kind: str = "error", details: str = "") -> None:
        """Show ``text``; ``details`` (e.g. the files a scan skipped) appear on hover."""
        self.kind = kind
        self.label.setText(text)
        self.setToolTip(details)
        self.setStyleSheet(f"#noticeBanner {{ {_STYLES.get(kind, _STYLES['info'])} }}")
        self.show()

    def dismiss(self) -> None:
        self.kind = ""
        self.label.clear()
        self.hide()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
