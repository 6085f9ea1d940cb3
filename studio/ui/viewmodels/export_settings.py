"""What an export dialog's view-model remembers for the next export, and how it reads it back.

The project file keeps the persisted properties of the sprite-sheet and tile-set view-models;
a hand edit or an older Studio may have left anything there, so :meth:`restore` takes a value
only when it reads as its setting's type. Both view-models build on
:class:`ExportSettingsViewModel`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal

from studio.ui.properties import Property, ViewModel


class ExportSettingsViewModel(ViewModel):
    """A view-model whose persisted properties are an export's remembered settings.

    ``folder`` is where the last export went (the folder picker starts there).
    """

    folder = Property("", persist=True)
    folder_changed = Signal(object)

    def settings(self) -> dict[str, Any]:
        """What the project remembers for the next export (plain JSON values)."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in self.persisted().items()
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Take the choices of the last export; a missing or damaged value gets its default.

        ``state`` comes from the project file: each value is taken only when it reads as its
        setting's type.
        """
        for name, prop in self.properties().items():
            if prop.persist:
                setattr(self, name, _as_type_of(prop.default, state.get(name, prop.default)))


def _as_type_of(default: Any, value: Any) -> Any:
    if isinstance(default, tuple):
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return tuple(value)
        return default
    if isinstance(default, bool):
        return value if isinstance(value, bool) else default
    if isinstance(default, int):
        return value if isinstance(value, int) and not isinstance(value, bool) else default
    return value if isinstance(value, str) else default
