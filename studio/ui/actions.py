"""Menu actions and their keyboard shortcuts, built in one place so menus stay consistent."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenuBar

EXPORT_SCALES = (1, 2, 4, 8)


@dataclass
class WindowActions:
    new: QAction
    open: QAction
    save: QAction
    save_as: QAction
    export: dict[int, QAction]
    export_sheet: QAction
    import_image: QAction
    add_model_file: QAction
    add_model_folder: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    generate: QAction
    batch: QAction
    cancel: QAction
    use_as_init: QAction
    apply_style: QAction
    remove_background: QAction
    pixelate: QAction
    upscale: QAction
    lock_palette: QAction
    export_tileset: QAction
    character_sheet: QAction
    zoom_in: QAction
    zoom_out: QAction
    fit: QAction
    actual_size: QAction


def _action(
    window: QMainWindow,
    text: str,
    *shortcuts: QKeySequence | QKeySequence.StandardKey | str,
    tip: str = "",
) -> QAction:
    action = QAction(text, window)
    if shortcuts:
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        # Window-wide so they work while typing in the prompt box.
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if tip:
        action.setStatusTip(tip)
    window.addAction(action)
    return action


def build_actions(window: QMainWindow, undo_stack: QUndoStack) -> WindowActions:
    keys = QKeySequence.StandardKey
    export = {
        scale: _action(
            window,
            "Export Image…" if scale == 1 else f"Export Image at {scale}×…",
            *(["Ctrl+E"] if scale == 1 else []),
            tip="Save the canvas image as a PNG with its recipe"
            + ("" if scale == 1 else f", enlarged {scale}× with crisp pixels"),
        )
        for scale in EXPORT_SCALES
    }
    undo = undo_stack.createUndoAction(window, "Undo")
    undo.setShortcuts(QKeySequence.keyBindings(keys.Undo))
    redo = undo_stack.createRedoAction(window, "Redo")
    redo.setShortcuts([*QKeySequence.keyBindings(keys.Redo), QKeySequence("Ctrl+Shift+Z")])
    for action in (undo, redo):
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        window.addAction(action)
    return WindowActions(
        new=_action(window, "New Project", keys.New),
        open=_action(window, "Open Project…", keys.Open),
        save=_action(window, "Save Project", keys.Save),
        save_as=_action(window, "Save Project As…", "Ctrl+Shift+S"),
        export=export,
        export_sheet=_action(
            window,
            "Export Sprite Sheet…",
            "Ctrl+Shift+E",
            tip="Pack history images into a sheet with atlases for Godot, Unity, Phaser, libGDX",
        ),
        import_image=_action(
            window,
            "Import Image…",
            "Ctrl+Shift+I",
            tip="Show an image and restore the recipe stored in it",
        ),
        add_model_file=_action(
            window,
            "Add Model File…",
            "Ctrl+Shift+M",
            tip="A .safetensors or .ckpt Stable Diffusion checkpoint",
        ),
        add_model_folder=_action(
            window,
            "Add Model Folder…",
            "Ctrl+Alt+M",
            tip="A diffusers model folder, a folder of checkpoints and LoRAs, or a whole A1111, "
            "ComfyUI or InvokeAI install (read in place, never copied)",
        ),
        quit=_action(window, "Quit", keys.Quit),
        undo=undo,
        redo=redo,
        generate=_action(window, "Generate", "Ctrl+Return", "Ctrl+Enter"),
        batch=_action(
            window,
            "Batch…",
            "Ctrl+Alt+Return",
            tip="Expand the prompt as a template ({a|b} combinations) and queue every image",
        ),
        cancel=_action(window, "Cancel", "Escape"),
        use_as_init=_action(
            window, "Use as Init Image", "Ctrl+I", tip="Start image-to-image from the canvas image"
        ),
        apply_style=_action(
            window,
            "Apply Style",
            "Ctrl+Shift+Return",
            "Ctrl+Shift+Enter",
            tip="Restyle the canvas image with the styles chosen in the Style tab",
        ),
        remove_background=_action(
            window,
            "Remove Background",
            "Ctrl+Shift+B",
            tip="Key out the flat background of the canvas image (a new history entry)",
        ),
        pixelate=_action(
            window,
            "Pixelate…",
            "Ctrl+Shift+P",
            tip="Pixel art on a palette from the canvas image (a new history entry)",
        ),
        upscale=_action(
            window,
            "Upscale…",
            "Ctrl+Shift+U",
            tip="Enlarge the canvas image with nearest (pixel art) or an ESRGAN-family model "
            "(a new history entry)",
        ),
        lock_palette=_action(
            window,
            "Lock Palette…",
            "Ctrl+Shift+L",
            tip="Snap every new result and export to one palette",
        ),
        export_tileset=_action(
            window,
            "Export Tile Set…",
            "Ctrl+Alt+T",
            tip="Lay history images out as a tile set for Tiled and Godot 4, with a sample map",
        ),
        character_sheet=_action(
            window,
            "Character Sheet…",
            "Ctrl+Alt+C",
            tip="Animation frames of the canvas image's character, one per pose of a walk, run, "
            "idle or attack (Stable Diffusion models with an OpenPose ControlNet)",
        ),
        zoom_in=_action(window, "Zoom In", keys.ZoomIn, "Ctrl+="),
        zoom_out=_action(window, "Zoom Out", keys.ZoomOut),
        fit=_action(window, "Fit to Window", "Ctrl+0"),
        actual_size=_action(window, "Actual Size (1:1)", "Ctrl+1"),
    )


def build_menus(menu_bar: QMenuBar, actions: WindowActions) -> None:
    file_menu = menu_bar.addMenu("&File")
    file_menu.addActions([actions.new, actions.open, actions.save, actions.save_as])
    file_menu.addSeparator()
    file_menu.addAction(actions.import_image)
    export_menu = file_menu.addMenu("Export")
    export_menu.addActions(list(actions.export.values()))
    export_menu.addSeparator()
    export_menu.addAction(actions.export_sheet)
    file_menu.addSeparator()
    file_menu.addActions([actions.add_model_file, actions.add_model_folder])
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)

    edit_menu = menu_bar.addMenu("&Edit")
    edit_menu.setToolTipsVisible(True)
    edit_menu.addActions([actions.undo, actions.redo])

    image_menu = menu_bar.addMenu("&Image")
    # A disabled action says why on hover (the model gate puts the reason in its tooltip).
    image_menu.setToolTipsVisible(True)
    image_menu.addActions([actions.generate, actions.batch, actions.cancel])
    image_menu.addSeparator()
    image_menu.addAction(actions.use_as_init)
    image_menu.addAction(actions.apply_style)
    image_menu.addSeparator()
    image_menu.addActions(
        [actions.remove_background, actions.pixelate, actions.upscale, actions.lock_palette]
    )
    image_menu.addAction(actions.export_tileset)
    image_menu.addAction(actions.character_sheet)

    view_menu = menu_bar.addMenu("&View")
    view_menu.addActions([actions.zoom_in, actions.zoom_out, actions.fit, actions.actual_size])
