"""``studio data build``: the built-in sprite dataset from pinned, permissive npm packages.

Fetch (cached) -> list icons with names joined by codepoint -> render each at several times
the target size -> centre and area-average -> caption -> split by concept -> write. Every step
is ordered and seeded by stable keys, so the same packages give byte-identical datasets.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from studio.domain.terminal_text import raw_stream
from studio.train.data.attribution import attribution_markdown
from studio.train.data.captions import (
    MAX_CAPTION_TOKENS,
    fit_caption,
    minilm_token_counter,
    pick_keywords,
)
from studio.train.data.dataset_format import SourceRecord, dataset_sizes, write_dataset
from studio.train.data.fetch import (
    DataSourceError,
    UnpackedPackage,
    default_cache_dir,
    fetch_package,
    read_package_json,
)
from studio.train.data.labels import EmojiLabels, add_cldr, add_emoji_datasource, add_emojibase
from studio.train.data.package_readers import READERS, ReadContext, SourceIcon
from studio.train.data.recolour import AugmentRecipe, augment
from studio.train.data.render import render_icon
from studio.train.data.sources import (
    CLDR,
    EMOJI_SOURCE_NAMES,
    EMOJIBASE,
    IMAGE_SOURCES,
    LABEL_SOURCES,
    NOTO,
    image_source,
)
from studio.train.data.split import assign_splits

RENDER_SCALE = 4  # vector art is rasterized at 4x the largest size, then area-averaged
_CHUNK = 32


@dataclass(frozen=True)
class BuildOptions:
    """What ``studio data build`` was asked for.

    Parameters
    ----------
    out_dir
        Dataset folder to write.
    size
        Main image side (a 32 px array is always written too).
    sources
        Names of image sources (:data:`studio.train.data.sources.IMAGE_SOURCES`); all if empty.
    cache_dir
        Where package tarballs are cached; :func:`default_cache_dir` if ``None``.
    limit
        At most this many icons per source, spread evenly over the source (for quick runs).
    workers
        Rendering processes; 1 renders in this process.
    augment
        Colour captions and augmented copies (:mod:`.recolour`); ``None`` keeps the
        captions as the packages name them and adds no copies.
    """

    out_dir: Path
    size: int = 64
    sources: tuple[str, ...] = ()
    cache_dir: Path | None = None
    limit: int | None = None
    workers: int = 1
    augment: AugmentRecipe | None = None


@dataclass(frozen=True)
class _Rendered:
    spec_name: str
    icon: SourceIcon
    images: dict[int, np.ndarray]


def build_dataset(
    options: BuildOptions,
    count_tokens: Callable[[str], int] | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Build the dataset described by ``options`` and return its manifest.

    Parameters
    ----------
    count_tokens
        Token counter that keeps captions within the text encoder's window; the packaged
        MiniLM tokenizer when ``None``.
    log
        Receives one-line progress messages; progress bars go to stderr.

    Raises
    ------
    DataSourceError
        If a package cannot be fetched, is unsafe, or carries an unexpected license.
    """
    say = log or (lambda message: print(message, file=sys.stderr))
    specs = [image_source(name) for name in options.sources] or list(IMAGE_SOURCES)
    cache = options.cache_dir or default_cache_dir()
    # Emoji names and keywords are only needed when an emoji source is part of the build.
    wants_labels = any(spec.name in EMOJI_SOURCE_NAMES for spec in specs)
    used = [*specs, *(LABEL_SOURCES if wants_labels else ())]
    packages = {}
    for spec in used:
        say(f"source {spec.package}@{spec.version} ({spec.name})")
        packages[spec.name] = fetch_package(spec, cache)
    labels = _emoji_labels(packages) if wants_labels else EmojiLabels()
    sizes = dataset_sizes(options.size)
    ctx = ReadContext(labels, render_px=RENDER_SCALE * max(sizes))
    listed = [(spec.name, icon) for spec in specs for icon in _listed(spec, packages, ctx, options)]
    say(f"{len(listed)} icons listed ({ctx.skipped} emoji without an English name skipped)")
    rendered = _render_all(listed, sizes, ctx.render_px, options.workers)
    say(f"{len(rendered)} icons rendered ({len(listed) - len(rendered)} empty or unreadable)")
    if not rendered:
        raise DataSourceError("No icon in the chosen sources could be rendered: check --sources.")
    items = _items(rendered, packages, count_tokens or minilm_token_counter())
    assign_splits(items)
    arrays = {side: np.stack([entry.images[side] for entry in rendered]) for side in sizes}
    copies: dict[str, int] = {}
    if options.augment is not None:
        arrays, items = augment(arrays, items, options.augment)
        items = _fitted(items, count_tokens or minilm_token_counter())
        for item in items[len(rendered) :]:
            copies[item["source"]] = copies.get(item["source"], 0) + 1
        say(f"{len(items) - len(rendered)} augmented copies added ({options.augment.to_dict()})")
    records = _source_records(rendered, packages, used, copies)
    extra = {"augment": options.augment.to_dict()} if options.augment is not None else None
    return write_dataset(
        options.out_dir, arrays, items, records, attribution_markdown(records), options.size, extra
    )


def _emoji_labels(packages: dict[str, UnpackedPackage]) -> EmojiLabels:
    labels = EmojiLabels()
    # CLDR first: its names and keywords are the Unicode standard's; emojibase adds the
    # skin-tone labels CLDR's base annotations lack, and tags of its own.
    with _package_content(packages[CLDR.name]):
        add_cldr(labels, packages[CLDR.name].root, CLDR.name)
    with _package_content(packages[EMOJIBASE.name]):
        add_emojibase(labels, packages[EMOJIBASE.name].root, EMOJIBASE.name)
    noto = packages.get(NOTO.name)
    if noto is not None:
        with _package_content(noto):
            add_emoji_datasource(labels, read_package_json(noto.root / "emoji.json"), NOTO.name)
    return labels


@contextmanager
def _package_content(package: UnpackedPackage) -> Iterator[None]:
    """Turn a package whose files are not shaped as its pinned version's into one line.

    The readers index the pinned packages' JSON as those versions lay it out; a tarball copied
    into the cache by hand (or damaged there) can hold anything, and must not end in a bug.
    """
    try:
        yield
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
        spec = package.spec
        raise DataSourceError(
            f"{spec.package}@{spec.version} in the cache is not laid out as that version is "
            f"({type(exc).__name__}): delete it from the cache and build again."
        ) from None


def _listed(spec, packages, ctx: ReadContext, options: BuildOptions) -> list[SourceIcon]:
    with _package_content(packages[spec.name]):
        icons = _unique_keys(READERS[spec.name](spec, packages[spec.name].root, ctx))
    if options.limit is None or len(icons) <= options.limit:
        return icons
    return [icons[i * len(icons) // options.limit] for i in range(options.limit)]


def _unique_keys(icons: list[SourceIcon]) -> list[SourceIcon]:
    # Packages carry the same emoji under two file names ("23-fe0f-20e3.webp" and
    # "0023-fe0f-20e3.webp"); readers list files in sorted order and the first one is kept.
    seen: set[str] = set()
    unique = []
    for icon in icons:
        if icon.key not in seen:
            seen.add(icon.key)
            unique.append(icon)
    return unique


def _render_all(listed, sizes: Sequence[int], render_px: int, workers: int) -> list[_Rendered]:
    from tqdm import tqdm

    jobs = [icon.job for _, icon in listed]
    work = partial(render_icon, sizes=tuple(sizes), render_px=render_px)
    bar = tqdm(total=len(jobs), desc="rendering", unit="icon", file=raw_stream(sys.stderr))
    if workers > 1:
        # spawn, not fork: a fork of a process holding threads (tqdm's, torch's) can deadlock.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            results = list(_counted(pool.map(work, jobs, chunksize=_CHUNK), bar))
    else:
        results = list(_counted(map(work, jobs), bar))
    bar.close()
    return [
        _Rendered(name, icon, images)
        for (name, icon), images in zip(listed, results, strict=True)
        if images is not None
    ]


def _counted(iterable, bar):
    # Updates the bar as results arrive, in order.
    for value in iterable:
        bar.update(1)
        yield value


def _items(rendered: list[_Rendered], packages, count_tokens) -> list[dict[str, Any]]:
    items = []
    for entry in rendered:
        spec = packages[entry.spec_name].spec
        icon = entry.icon
        keywords = pick_keywords(icon.keywords, icon.key)
        items.append(
            {
                "caption": fit_caption(icon.name, keywords, spec.style, count_tokens),
                "concept": icon.concept,
                "style": spec.style,
                "source": spec.name,
                "license": spec.content_license,
                "split": "train",
                "key": icon.key,
            }
        )
    return items


def _fitted(items: list[dict[str, Any]], count_tokens) -> list[dict[str, Any]]:
    # Colour words make captions longer: drop keywords (middle parts) until they fit again.
    fitted = []
    for item in items:
        parts = item["caption"].split(", ")
        while len(parts) > 2 and count_tokens(", ".join(parts)) > MAX_CAPTION_TOKENS:
            del parts[-2]
        fitted.append({**item, "caption": ", ".join(parts)})
    return fitted


def _source_records(
    rendered: list[_Rendered], packages, specs, copies: dict[str, int] | None = None
) -> list[SourceRecord]:
    # Image sources count their images (augmented copies included); label sources the items
    # they named or tagged.
    label_names = {spec.name for spec in LABEL_SOURCES}
    counts: dict[str, int] = dict(copies or {})
    for entry in rendered:
        for name in {entry.spec_name, *(entry.icon.label_sources & label_names)}:
            counts[name] = counts.get(name, 0) + 1
    records = []
    for spec in specs:
        package = packages[spec.name]
        record = SourceRecord(
            name=spec.name,
            package=spec.package,
            version=spec.version,
            license=spec.content_license,
            url=spec.url,
            attribution=spec.attribution,
            count=counts.get(spec.name, 0),
            license_text=package.license_text,
            license_url=spec.license_url,
        )
        records.append(record)
    return records


def default_workers() -> int:
    """Rendering processes to start: one per core, four at most."""
    # Past four, reading the packages and writing the arrays dominate a one-minute build.
    return max(1, min(4, os.cpu_count() or 1))
