"""Ingest: read inputs with the sources, write them to the store in batches, report counts."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from paperradar.models import IngestReport, Paper, Rejected, bound_record
from paperradar.sources import Source, open_source
from paperradar.store import Store, now_iso

BATCH = 5000  # papers per transaction: the default of the ``ingest.batch`` setting


def _batches(items: Iterable[Paper | Rejected], size: int) -> Iterator[list[Paper | Rejected]]:
    batch: list[Paper | Rejected] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest_items(
    store: Store,
    items: Iterable[Paper | Rejected],
    *,
    source: str,
    progress: Callable[[int], None] | None = None,
    batch: int = BATCH,
) -> IngestReport:
    """Write parsed items in batches of ``batch``, one transaction each; return the counts.

    Every item first passes :func:`~paperradar.models.bound_record`: an oversized title is quarantined, a long
    abstract, list or payload is cut (``extra["limits"]`` says what).

    The next batch is parsed in a second thread while the current one is written (SQLite releases the GIL while
    it writes), so parsing and storing overlap on two cores. Re-running after a crash is safe: every batch
    either landed whole or not at all, and writes are idempotent (dedup by id, versions merged).
    """
    report = IngestReport()
    batches = _batches(map(bound_record, items), batch)  # every field within LIMITS, whatever the source
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse") as pool:
        pending = pool.submit(next, batches, None)
        while (current := pending.result()) is not None:
            pending = pool.submit(next, batches, None)
            report.add(store.papers.write_batch(current, source=source, now=now_iso()))
            if progress:
                progress(len(current))
    return report


def _primed(src: Source) -> Iterator[Paper | Rejected]:
    """The source's items with the first one already read: a source parses its whole input (and raises
    SourceError) before yielding anything, so priming every input first keeps a bad one from
    leaving the others half-written."""
    it = iter(src.records())
    first = next(it, None)
    return it if first is None else itertools.chain([first], it)


def open_sources(paths: Sequence[Path], fmt: str | None = None) -> list[tuple[Source, Iterator[Paper | Rejected]]]:
    """Open, detect and start parsing every input before anything is written (see :func:`_primed`)."""
    out = []
    for p in paths:
        src = open_source(Path(p), fmt)
        out.append((src, _primed(src)))
    return out


def ingest_sources(
    store: Store,
    sources: Sequence[tuple[Source, Iterator[Paper | Rejected]]],
    progress: Callable[[int], None] | None = None,
    *,
    batch: int = BATCH,
) -> IngestReport:
    """Ingest opened sources (see :func:`open_sources`); return the summed counts."""
    total = IngestReport()
    for src, items in sources:
        report = ingest_items(store, items, source=src.origin, progress=progress, batch=batch)
        report.files = 1
        total.add(report)
    return total


def ingest_files(
    store: Store, paths: Sequence[Path], fmt: str | None = None, progress: Callable[[int], None] | None = None
) -> IngestReport:
    """Detect, parse and store files; raise SourceError (DB untouched) when any cannot be parsed."""
    return ingest_sources(store, open_sources(paths, fmt), progress)
