"""paperradar: a research radar for ML literature."""

from __future__ import annotations

from paperradar.ingest import ingest_files, ingest_items
from paperradar.models import IngestReport, Paper, Rejected, Version, normalize_arxiv_id
from paperradar.sources import Source, SourceError
from paperradar.store import Store

__version__ = "0.1.0"

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
