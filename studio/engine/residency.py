"""What the engine keeps loaded between jobs, and the rule for how much of it.

One :class:`Residency` holds everything loaded: the generation model, the style networks, and
the add-ons later issues load (LoRA sets, upscalers, ControlNets). Each entry is keyed by what
it is (:class:`ResidentKey`: kind, id, device, dtype) and carries the function that releases
it. The memory policy is a limit per kind: a kind at its limit makes room for a new entry by
releasing its least recently used ones, but only once the new one has loaded (or when its
loader asks, just before it moves onto the accelerator), so a file that fails to load leaves
the previous model usable (RELIABILITY 3). Anything released is followed by
:func:`~studio.engine.device.free_memory`. This module imports no torch.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from studio.engine.device import free_memory

log = logging.getLogger(__name__)

T = TypeVar("T")

# Handed to a loader: releases what must go to make room for the entry being loaded. A loader
# that moves weights onto the accelerator calls it just before, so two generation models never
# share the GPU; one that does not call it gets room made after it returns.
MakeRoom = Callable[[], None]


class ResidentKind(StrEnum):
    """The kinds of loaded things, each with its own limit in the policy."""

    GENERATOR = "generation model"
    STYLE_NETWORK = "style network"
    LORA = "LoRA set"
    UPSCALER = "upscaler"
    CONTROLNET = "ControlNet"


# How many of each kind may stay loaded; ``None``: no limit. One generation model fills most
# of a consumer GPU; the style networks are a few megabytes each and are all kept warm.
DEFAULT_LIMITS: Mapping[ResidentKind, int | None] = {
    ResidentKind.GENERATOR: 1,
    ResidentKind.STYLE_NETWORK: None,
    ResidentKind.LORA: None,
    ResidentKind.UPSCALER: 1,
    ResidentKind.CONTROLNET: 1,
}


@dataclass(frozen=True)
class ResidentKey:
    """What a loaded thing is: its kind, its id and where it lives."""

    kind: ResidentKind
    id: str
    device: str = ""
    dtype: str = ""


@dataclass(frozen=True)
class _Entry:
    value: Any
    release: Callable[[Any], None]


def _forget(_value: object) -> None:
    """The release of things that hold nothing but memory: dropping them is enough."""


class Residency:
    """The engine's one cache of loaded things, under a per-kind memory limit.

    Parameters
    ----------
    limits
        How many entries of each kind may stay loaded (``None``: no limit).
    free
        Called after anything is released or a load fails, to hand memory back.
    """

    def __init__(
        self,
        limits: Mapping[ResidentKind, int | None] = DEFAULT_LIMITS,
        free: Callable[[], None] = free_memory,
    ) -> None:
        self._limits = dict(limits)
        self._free = free
        self._entries: OrderedDict[ResidentKey, _Entry] = OrderedDict()
        # Re-entrant: a loader calls its make-room callback while the load holds the lock.
        self._lock = threading.RLock()

    def acquire(
        self,
        key: ResidentKey,
        load: Callable[[MakeRoom], T],
        release: Callable[[T], None] = _forget,
    ) -> T:
        """The entry for ``key``, loading it with ``load`` the first time.

        Parameters
        ----------
        key
            What is wanted.
        load
            Builds the value; receives the make-room callback (see :data:`MakeRoom`).
        release
            Frees the value when it is unloaded (default: nothing but dropping it).

        Raises
        ------
        Exception
            Whatever ``load`` raises; what was loaded before stays loaded unless the loader
            itself asked for room.
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry.value
            made_room = False

            def make_room() -> None:
                nonlocal made_room
                if not made_room:
                    made_room = True
                    self._evict_for(key.kind)

            try:
                value = load(make_room)
            except BaseException:
                self._free()  # whatever the failed load allocated
                raise
            make_room()
            self._entries[key] = _Entry(value, release)
            return value

    def get(self, key: ResidentKey) -> Any | None:
        """The loaded value for ``key``, or ``None``."""
        with self._lock:
            entry = self._entries.get(key)
            return None if entry is None else entry.value

    def resident(self, kind: ResidentKind) -> list[Any]:
        """The loaded values of ``kind``, least recently used first."""
        with self._lock:
            return [e.value for k, e in self._entries.items() if k.kind is kind]

    def unload(self, kind: ResidentKind) -> None:
        """Release every entry of ``kind`` and hand the memory back."""
        with self._lock:
            self._release([k for k in self._entries if k.kind is kind])

    def clear(self) -> None:
        """Release everything loaded."""
        with self._lock:
            self._release(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def _evict_for(self, kind: ResidentKind) -> None:
        limit = self._limits.get(kind)
        if limit is None:
            return
        same_kind = [k for k in self._entries if k.kind is kind]
        # Room for one more: keep the ``limit - 1`` most recently used.
        self._release(same_kind[: max(len(same_kind) - limit + 1, 0)])

    def _release(self, keys: list[ResidentKey]) -> None:
        if not keys:
            return
        for key in keys:
            entry = self._entries.pop(key)
            log.info("unloading %s %s", key.kind, key.id)
            entry.release(entry.value)
        self._free()
