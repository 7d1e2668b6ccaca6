"""paperradar: a research radar for ML literature."""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from paperradar.ingest import ingest_files, ingest_items
    from paperradar.models import IngestReport, Paper, Rejected, Version, normalize_arxiv_id
    from paperradar.sources import Source, SourceError
    from paperradar.store import Store

__version__ = "0.1.0"

# The public names, imported on first use: `paperradar search` must not pay for importing every source parser
# and the ingest pipeline before it answers (≈ 1 s of a CLI call).
_LAZY = {
    "IngestReport": "paperradar.models",
    "Paper": "paperradar.models",
    "Rejected": "paperradar.models",
    "Source": "paperradar.sources",
    "SourceError": "paperradar.sources",
    "Store": "paperradar.store",
    "Version": "paperradar.models",
    "ingest_files": "paperradar.ingest",
    "ingest_items": "paperradar.ingest",
    "normalize_arxiv_id": "paperradar.models",
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'paperradar' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "IngestReport",
    "Paper",
    "Rejected",
    "Source",
    "SourceError",
    "Store",
    "Version",
    "__version__",
    "ingest_files",
    "ingest_items",
    "normalize_arxiv_id",
]
