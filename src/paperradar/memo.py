"""Bounded, thread-safe memos for fitted models and opened indexes, owned by a :class:`paperradar.Radar`.

Nothing in the library keeps state in module globals: a function that can reuse expensive work takes a
``caches`` argument, and without one it computes afresh. The web app's threads share one Radar's caches.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    """A least-recently-used map of at most ``size`` entries, safe to share between threads."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: OrderedDict[Any, V] = OrderedDict()
        self.lock = threading.RLock()  # held while an entry is made, so two threads never build the same one

    def get(self, key: Any) -> V | None:
        """The entry for ``key`` (now the most recently used), or None."""
        with self.lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Any, value: V) -> V:
        """Store ``value`` under ``key``, dropping the least recently used entry when full; return ``value``."""
        with self.lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return value

    def get_or_make(self, key: Any, make: Callable[[], V]) -> V:
        """The entry for ``key``, made by ``make()`` (once, under the lock) when missing."""
        with self.lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return self.put(key, make())

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class Caches:
    """What a Radar reuses between calls: vector indexes by (database, model), fitted classifiers and lexical
    models by a hash of their training data, topic models by period; ``workers``: the threads a search encodes its
    query in, started once."""

    vector_indexes: Memo[Any] = field(default_factory=lambda: Memo(8))
    classifiers: Memo[Any] = field(default_factory=lambda: Memo(16))
    lexical_models: Memo[Any] = field(default_factory=lambda: Memo(16))
    workers: Memo[Any] = field(default_factory=lambda: Memo(4))


__all__ = ["Caches", "Memo"]
