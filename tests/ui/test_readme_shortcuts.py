"""Every menu shortcut of the window is in the README's tables (issue 18, "small truths").

Pixelate, Remove Background, Add Model File and Lock Palette once had shortcuts or menus the
README never named; reading the keys off the real menus keeps the two from drifting apart.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
# Qt spells the keys as the keyboard does; the README as artists say them.
SPOKEN = {"Return": "Enter", "Del": "Delete"}


def _spoken(sequence: QKeySequence) -> str:
    keys = sequence.toString(QKeySequence.SequenceFormat.PortableText).split("+")
    return "+".join(SPOKEN.get(key, key) for key in keys)


def _named(key: str) -> bool:
    # "Ctrl+E" must not count as named because "Ctrl+Shift+E" or "Ctrl+E2" is.
    return re.search(rf"(?<![\w+]){re.escape(key)}(?![\w+])", README) is not None


def _menu_actions(window) -> list[QAction]:
    found: list[QAction] = []
    pending = list(window.menuBar().actions())
    while pending:
        action = pending.pop()
        menu = action.menu()
        if menu is not None:
            pending.extend(menu.actions())
        elif not action.isSeparator():
            found.append(action)
    return found


def test_every_menu_shortcut_is_in_the_readme(window):
    missing = []
    for action in _menu_actions(window):
        shortcuts = [_spoken(s) for s in action.shortcuts() if not s.isEmpty()]
        if shortcuts and not any(_named(key) for key in shortcuts):
            missing.append(f"{action.text()} ({' or '.join(shortcuts)})")
    assert not missing, "README lacks: " + ", ".join(sorted(missing))


def test_the_game_asset_actions_have_shortcuts(window):
    # Issue 18: Lock Palette had none; every Image-menu tool of the game workflow is on the keys.
    actions = {action.text(): action for action in _menu_actions(window)}
    for name in ("Remove Background", "Pixelate…", "Lock Palette…", "Export Sprite Sheet…"):
        assert not actions[name].shortcut().isEmpty(), name
