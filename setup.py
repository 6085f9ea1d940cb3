"""Installs resources/ and models/ under <prefix>/share/studio for non-editable installs.

Everything else lives in pyproject.toml; data_files needs one entry per folder, which a
static table cannot express for trees like resources/sd_configs.
"""

from pathlib import Path

from setuptools import setup


def tree(source: str) -> list[tuple[str, list[str]]]:
    root = Path(source)
    folders = [root, *sorted(p for p in root.rglob("*") if p.is_dir())] if root.is_dir() else []
    entries = []
    for folder in folders:
        files = sorted(str(f) for f in folder.iterdir() if f.is_file())
        if files:
            entries.append((str(Path("share/studio") / folder), files))
    return entries


setup(data_files=tree("resources") + tree("models"))
