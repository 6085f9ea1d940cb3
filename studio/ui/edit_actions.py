"""The canvas-edit actions: their menu entries, shortcuts and tips, built in one place.

None of the shortcuts clashes with the window's own (:mod:`studio.ui.actions`); the
:class:`~studio.ui.edit_controller.EditController` wires them to the canvas and the job path.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar


@dataclass
class EditActions:
    """The canvas-edit actions (menu entries, shortcuts, panel buttons)."""

    paint_mask: QAction
    eraser: QAction
    invert_mask: QAction
    clear_mask: QAction
    outpaint: QAction
    make_seamless: QAction
    vary: QAction
    tile_x: QAction
    tile_y: QAction
    tiled_view: QAction


def _action(window: QMainWindow, text: str, shortcut: str, tip: str, checkable=False) -> QAction:
    action = QAction(text, window)
    action.setShortcut(QKeySequence(shortcut))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setStatusTip(tip)
    action.setToolTip(f"{tip} ({shortcut})")
    action.setCheckable(checkable)
    window.addAction(action)
    return action


def build_edit_actions(window: QMainWindow) -> EditActions:
    """Create the edit actions with their shortcuts (none clashes with the window's own)."""
    return EditActions(
        paint_mask=_action(window, "Paint Mask", "Ctrl+B", "Paint where to repaint", True),
        eraser=_action(window, "Mask Eraser", "Ctrl+Alt+B", "Erase mask strokes", True),
        invert_mask=_action(window, "Invert Mask", "Ctrl+Alt+I", "Swap painted and unpainted"),
        clear_mask=_action(window, "Clear Mask", "Ctrl+Shift+X", "Remove the whole mask"),
        outpaint=_action(window, "Outpaint…", "Ctrl+Shift+O", "Grow the canvas and fill it"),
        make_seamless=_action(
            window, "Make Seamless", "Ctrl+Shift+T", "Repair the image's wrap edges so it tiles"
        ),
        vary=_action(
            window, "Vary This Image…", "Ctrl+Shift+V", "Queue variations of the shown image"
        ),
        tile_x=_action(
            window, "Tile X", "Ctrl+Alt+X", "Generate images that wrap left-right", True
        ),
        tile_y=_action(
            window, "Tile Y", "Ctrl+Alt+Y", "Generate images that wrap top-bottom", True
        ),
        tiled_view=_action(
            window, "Tiled View (3×3)", "Ctrl+T", "Show the image repeated 3×3", True
        ),
    )


def add_edit_menus(menu_bar: QMenuBar, actions: EditActions) -> None:
    """Put the edit actions in the Edit, Image and View menus."""
    menus = {a.text().replace("&", ""): a.menu() for a in menu_bar.actions() if a.menu()}
    edit, image, view = menus["Edit"], menus["Image"], menus["View"]
    assert isinstance(edit, QMenu) and isinstance(image, QMenu) and isinstance(view, QMenu)
    edit.addSeparator()
    edit.addActions([actions.paint_mask, actions.eraser, actions.invert_mask, actions.clear_mask])
    image.addSeparator()
    image.addActions([actions.outpaint, actions.make_seamless, actions.vary])
    image.addSeparator()
    image.addActions([actions.tile_x, actions.tile_y])
    view.addSeparator()
    view.addAction(actions.tiled_view)
