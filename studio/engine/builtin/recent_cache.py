"""A small cache of the values made most recently, for prompt and caption encodings.

An artist reruns one prompt with new seeds far more often than they type a new one, and a
prompt's seeds draw on a handful of icons, so the last few encodings are nearly always the
ones asked for again. ``functools.lru_cache`` would tie the entries to a function for the
process's life; this one belongs to its sampler and is emptied with it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentCache(Generic[K, V]):
    """Up to ``size`` values by key; making one more drops the least recently used."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for ``key``, or ``make()``'s, kept from now on."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        value = make()
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every value (the weights they were made with are gone)."""
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
