"""The suite never writes into the real ~/.cache/studio, ~/.config or ~/.local/share."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import TEST_HOME


def test_every_studio_folder_is_inside_the_session_folder():
    from studio.engine.style.paths import default_cache_dir
    from studio.project.paths import default_config_dir, default_data_dir

    for folder in (default_cache_dir(), default_config_dir(), default_data_dir()):
        assert folder.resolve().is_relative_to(TEST_HOME.resolve())
        assert not folder.resolve().is_relative_to(Path.home().resolve() / ".cache")


def test_qsettings_file_lands_in_the_session_folder(qapp):
    from PySide6.QtCore import QSettings

    QSettings().setValue("tests/probe", 1)
    QSettings().sync()
    assert Path(QSettings().fileName()).resolve().is_relative_to(TEST_HOME.resolve())
    assert os.environ["XDG_CONFIG_HOME"].startswith(str(TEST_HOME))
