"""Engine settings: atomic saves, and a damaged file never stops Studio (RELIABILITY 8)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from studio.domain.errors import ProjectError
from studio.domain.settings import EngineSettings
from studio.imaging import atomic
from studio.project.settings import (
    default_settings_path,
    load_engine_settings,
    save_engine_settings,
)

SETTINGS = EngineSettings(
    model_paths=("/models/sd15.safetensors", "C:\\Models\\猫.safetensors", "/odd/\udcff"),
    device="cpu",
    scan_hf_cache=False,
    hf_cache_dir="/cache",
    extra={"theme": "dark"},
)


def test_missing_file_gives_defaults_without_warning(tmp_path: Path) -> None:
    assert load_engine_settings(tmp_path / "settings.json") == (EngineSettings(), None)


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "settings.json"

    save_engine_settings(SETTINGS, path)
    loaded, warning = load_engine_settings(path)

    assert warning is None
    assert loaded == SETTINGS and loaded.extra == {"theme": "dark"}
    assert json.loads(path.read_text(encoding="ascii"))["version"] == 1
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"]


def test_default_location_follows_studio_config_dir(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "cfg"))

    save_engine_settings(SETTINGS)

    assert default_settings_path() == tmp_path / "cfg" / "settings.json"
    assert load_engine_settings()[0] == SETTINGS


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b'{"device": "cpu", ', "not valid JSON"),
        (b"[1, 2, 3]", "does not hold settings"),
        (b"\xff\xfe\x00garbage", "not text"),
        (b"[" * 100_000, "not valid JSON"),
        (b" " * 1_000_001, "far too large"),
    ],
    ids=["truncated", "list", "binary", "deeply-nested", "huge"],
)
def test_damaged_file_is_set_aside_and_studio_starts(tmp_path: Path, content: bytes, why: str):
    path = tmp_path / "settings.json"
    path.write_bytes(content)

    settings, warning = load_engine_settings(path)

    assert settings == EngineSettings()
    assert warning is not None and why in warning and "default settings" in warning
    (kept,) = [p for p in tmp_path.iterdir() if p.name.startswith("settings.json.damaged-")]
    assert kept.read_bytes() == content and kept.name in warning
    assert not path.exists()
    assert load_engine_settings(path) == (EngineSettings(), None)


def test_failed_save_leaves_previous_settings(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "settings.json"
    save_engine_settings(SETTINGS, path)
    before = path.read_bytes()

    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "replace", disk_full)
    with pytest.raises(ProjectError, match="Could not save the engine settings"):
        save_engine_settings(EngineSettings(device="cuda"), path)
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
