"""Package fetching and unpacking: cached, pinned, license-checked, never outside its folder."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

import pytest

from studio.train.data.fetch import (
    DataSourceError,
    default_cache_dir,
    fetch_package,
    safe_extract,
    tarball_name,
)
from studio.train.data.sources import GAME_ICONS, PIXELARTICONS


def _tar_with(path: Path, member: tarfile.TarInfo, data: bytes = b"x") -> Path:
    with tarfile.open(path, "w:gz") as archive:
        safe = tarfile.TarInfo("package/package.json")
        safe.size = 2
        archive.addfile(safe, io.BytesIO(b"{}"))
        member.size = len(data) if member.isfile() else 0
        archive.addfile(member, io.BytesIO(data) if member.isfile() else None)
    return path


@pytest.mark.parametrize(
    "name", ["../evil.txt", "package/../../evil.txt", "/tmp/studio-evil.txt", "C:/evil.txt"]
)
def test_tar_members_outside_the_folder_are_refused(tmp_path, name):
    tarball = _tar_with(tmp_path / "bad.tgz", tarfile.TarInfo(name))
    target = tmp_path / "deep" / "unpacked"
    with pytest.raises(DataSourceError, match="unsafe entry"):
        safe_extract(tarball, target)
    assert not (tmp_path / "evil.txt").exists()
    assert not (tmp_path / "deep" / "evil.txt").exists()
    assert not target.exists(), "nothing is written when any member is unsafe"


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.CHRTYPE])
def test_links_and_devices_are_refused(tmp_path, kind):
    member = tarfile.TarInfo("package/link")
    member.type = kind
    member.linkname = "/etc/passwd"
    tarball = _tar_with(tmp_path / "link.tgz", member)
    with pytest.raises(DataSourceError, match="unsafe entry"):
        safe_extract(tarball, tmp_path / "out")


def test_damaged_tarball_is_a_clear_error(tmp_path):
    tarball = tmp_path / "broken.tgz"
    tarball.write_bytes(b"\x1f\x8b\x08 not really gzip")
    with pytest.raises(DataSourceError, match="damaged"):
        safe_extract(tarball, tmp_path / "out")


def test_cached_package_is_unpacked_once_and_its_license_recorded(
    tmp_path, data_write_fake_packages
):
    cache = data_write_fake_packages(tmp_path / "cache")
    first = fetch_package(GAME_ICONS, cache)
    assert first.declared_license == "CC-BY-3.0"
    assert "Test Authors" in first.license_text
    marker = first.root / "icons.json"
    marker.write_text("{}")  # proof: a second fetch must not unpack again
    second = fetch_package(GAME_ICONS, cache)
    assert second.root == first.root and marker.read_text() == "{}"


def test_missing_package_is_fetched_with_npm_pack_at_the_pinned_version(
    tmp_path, monkeypatch, data_write_fake_packages
):
    source = data_write_fake_packages(tmp_path / "registry")
    calls = []

    def fake_run(command, **kwargs):
        calls.append(command)
        destination = Path(command[command.index("--pack-destination") + 1])
        name = tarball_name(PIXELARTICONS)
        (destination / name).write_bytes((source / name).read_bytes())
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr("studio.train.data.fetch.shutil.which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr("studio.train.data.fetch.subprocess.run", fake_run)
    unpacked = fetch_package(PIXELARTICONS, tmp_path / "cache")
    assert calls and calls[0][1:3] == ["pack", "pixelarticons@2.4.1"]
    assert (unpacked.root / "svg" / "square.svg").is_file()


def test_npm_failure_is_reported_with_its_reason(tmp_path, monkeypatch):
    monkeypatch.setattr("studio.train.data.fetch.shutil.which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(
        "studio.train.data.fetch.subprocess.run",
        lambda command, **kwargs: subprocess.CompletedProcess(command, 1, "", "npm ERR! E404"),
    )
    with pytest.raises(DataSourceError, match="E404"):
        fetch_package(PIXELARTICONS, tmp_path / "cache")


def test_cache_root_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    assert default_cache_dir() == tmp_path / "sources"
    monkeypatch.delenv("STUDIO_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "studio" / "sources"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "studio" / "sources"


def test_npm_tarball_names_match_npm_pack():
    assert tarball_name(GAME_ICONS) == "iconify-json-game-icons-1.2.4.tgz"
    assert tarball_name(PIXELARTICONS) == "pixelarticons-2.4.1.tgz"
