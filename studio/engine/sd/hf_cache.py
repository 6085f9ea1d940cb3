"""Stable Diffusion pipelines already in the Hugging Face cache, found without the network.

``huggingface_hub.scan_cache_dir`` only walks the local cache folder. A snapshot counts when
its ``model_index.json`` names an SD/SDXL pipeline and its UNet weights are present, so
half-finished downloads are not offered.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from studio.domain.errors import ModelLoadError
from studio.domain.models import ModelFormat, ModelInfo, ModelSource
from studio.engine.sd import pipeline_folder

log = logging.getLogger(__name__)


def scan_hf_pipelines(cache_dir: str | None = None) -> list[ModelInfo]:
    """Every usable SD/SDXL pipeline in the hub cache, sorted by repo id.

    Parameters
    ----------
    cache_dir
        The hub cache folder; huggingface_hub's default (``$HF_HUB_CACHE``...) when ``None``.
    """
    if "huggingface_hub" not in sys.modules and not _may_hold_models(cache_dir):
        return []  # importing huggingface_hub alone costs a first sprite a tenth of a second
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound, CorruptedCacheException

    try:
        cache = scan_cache_dir(cache_dir)
    except (CacheNotFound, CorruptedCacheException, OSError) as exc:
        log.debug("no usable Hugging Face cache: %s", exc)
        return []
    found = []
    for repo in sorted(cache.repos, key=lambda r: r.repo_id):
        if repo.repo_type != "model":
            continue
        try:
            info = _repo_model(repo)
        except Exception:  # a poisoned cache entry must not break every listing (issue 10)
            log.info("skipped the cached repo %s", repo.repo_id, exc_info=True)
            continue
        if info is not None:
            found.append(info)
    return found


def _may_hold_models(cache_dir: str | None) -> bool:
    """Whether the hub cache has any ``models--*`` folder, checked without huggingface_hub.

    The folder is found the way ``huggingface_hub.constants`` finds it when it is first
    imported (so only while it is not: a test or a user may have changed its constants since).
    """
    folder = cache_dir or _default_hub_cache()
    try:
        with os.scandir(folder) as entries:
            return any(entry.name.startswith("models--") for entry in entries)
    except OSError:
        return False


def _default_hub_cache() -> str:
    def expand(path: str) -> str:
        return os.path.expandvars(os.path.expanduser(path))

    cache_home = os.getenv("XDG_CACHE_HOME", os.path.join(os.path.expanduser("~"), ".cache"))
    hf_home = expand(os.getenv("HF_HOME", os.path.join(cache_home, "huggingface")))
    legacy = os.getenv("HUGGINGFACE_HUB_CACHE", os.path.join(hf_home, "hub"))
    return expand(os.getenv("HF_HUB_CACHE", legacy))


def find_cached_pipeline(repo_id: str, cache_dir: str | None = None) -> ModelInfo | None:
    """The cached pipeline for ``repo_id`` (``org/name``), or ``None`` if it is not cached."""
    wanted = repo_id.strip().casefold()
    return next((m for m in scan_hf_pipelines(cache_dir) if m.id.casefold() == wanted), None)


def _repo_model(repo) -> ModelInfo | None:
    snapshot = _preferred_snapshot(repo)
    if snapshot is None or not pipeline_folder.is_pipeline_folder(snapshot):
        return None
    try:
        family = pipeline_folder.pipeline_family(snapshot)
    except ModelLoadError:
        return None
    if not pipeline_folder.has_unet_weights(snapshot):
        return None
    return ModelInfo(
        id=repo.repo_id,
        name=repo.repo_id.rsplit("/", 1)[-1],
        family=family,
        source=ModelSource.HF_CACHE,
        format=ModelFormat.DIFFUSERS,
        location=str(snapshot),
        size_bytes=int(repo.size_on_disk),
        default_size=pipeline_folder.default_size(snapshot, family),
        is_turbo="turbo" in repo.repo_id.lower(),
    )


def _preferred_snapshot(repo) -> Path | None:
    revisions = list(repo.revisions)
    if not revisions:
        return None
    on_main = [r for r in revisions if "main" in r.refs]
    chosen = on_main[0] if on_main else max(revisions, key=lambda r: r.last_modified)
    return Path(chosen.snapshot_path)
