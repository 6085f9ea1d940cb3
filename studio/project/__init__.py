"""The ``.studio`` project file (SQLite): open, save, autosave, migrate. No Qt, no torch."""
