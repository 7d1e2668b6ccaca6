"""Where papers come from: one module per format, all behind :class:`Source`, picked by content."""

from paperradar.sources import absfile, arxiv_api, jsonl, oaipmh, rss  # noqa: F401  (registers the formats)
from paperradar.sources.base import Source, SourceError, detect, open_source, register, registered

__all__ = ["Source", "SourceError", "detect", "open_source", "register", "registered"]
