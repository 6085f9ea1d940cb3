"""Every question the window asks the user, in one replaceable object.

Tests substitute an object with the same methods, so no test ever blocks on a modal dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

PROJECT_FILTER = "Studio projects (*.studio)"
# Every format studio.imaging.decode reads (READABLE_FORMATS), by the extensions they carry.
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.bmp *.gif *.tif *.tiff)"
MODEL_FILTER = "Model checkpoints (*.safetensors *.ckpt *.pt *.pth *.bin)"


class Dialogs:
    """Modal questions: file choices, keep-your-work prompts, recovery offers, errors."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent

    def open_project_path(self, folder: str = "") -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self._parent, "Open Project", folder, PROJECT_FILTER)
        return Path(path) if path else None

    def save_project_path(self, suggested: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self._parent, "Save Project As", suggested, PROJECT_FILTER
        )
        if not path:
            return None
        return Path(path if path.endswith(".studio") else path + ".studio")

    def export_path(self, suggested: Path) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self._parent, "Export Image", str(suggested), "PNG image (*.png)"
        )
        if not path:
            return None
        return Path(path if path.lower().endswith(".png") else path + ".png")

    def image_path(self, folder: str = "") -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self._parent, "Import Image", folder, IMAGE_FILTER)
        return Path(path) if path else None

    def model_file_path(self) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self._parent, "Add Model File", "", MODEL_FILTER)
        return Path(path) if path else None

    def model_folder_path(self) -> Path | None:
        path = QFileDialog.getExistingDirectory(self._parent, "Add Model Folder")
        return Path(path) if path else None

    def ask_keep_work(self, name: str, image_count: int) -> str:
        """Ask before an untitled project would be dropped: "save", "discard" or "cancel"."""
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Save your images?")
        box.setText(f"“{name}” holds {image_count} image(s) that are not saved in a project file.")
        box.setInformativeText("Save them as a project, or discard them for good?")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(QMessageBox.StandardButton(answer), "cancel")

    def ask_unfinished_work(self, description: str) -> str:
        """Closing while images are still being made: "finish", "quit" or "cancel".

        ``description`` says what is running and queued ("1 job running, 3 queued").
        """
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Images still being made")
        box.setText(f"Studio is still working: {description}.")
        box.setInformativeText(
            "Finish them and then quit, or quit now and drop what is not finished yet? "
            "Finished images are already saved."
        )
        finish = box.addButton("Finish, then Quit", QMessageBox.ButtonRole.AcceptRole)
        quit_now = box.addButton("Quit Now", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(finish)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is finish:
            return "finish"
        return "quit" if clicked is quit_now else "cancel"

    def ask_recover(self, description: str) -> str:
        """Offer unsaved work found from a crash: "recover", "discard" or "later"."""
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Recover unsaved work?")
        box.setText("Studio closed unexpectedly last time. Your images were kept.")
        box.setInformativeText(description)
        recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(recover)
        box.exec()
        clicked = box.clickedButton()
        return "recover" if clicked is recover else "discard" if clicked is discard else "later"

    def confirm_empty_prompt(self) -> bool:
        """Ask before generating with no prompt (the model then draws whatever it likes)."""
        answer = QMessageBox.question(
            self._parent,
            "Generate without a prompt?",
            "The prompt is empty, so the model draws whatever it likes. Generate anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def error(self, title: str, text: str) -> None:
        QMessageBox.warning(self._parent, title, text)
