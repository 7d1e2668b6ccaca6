"""Where papers come from: one module per format, all behind :class:`Source`, picked by content."""

# Registration order is detection order: specific formats first, the permissive ones (CSV, Markdown) last.
from paperradar.sources import (  # noqa: F401  (each module registers its format)  # noqa: F401, I001
    absfile,
    arxiv_api,
    bibtex,
    csvfile,
    hf_daily,
    hf_search,
    idlist,
    json_papers,
    jsonl,
    kaggle,
    markdown,
    oaipmh,
    ris,
    rss,
)
from paperradar.sources.base import Source, SourceError, detect, open_source, register, registered

__all__ = ["Source", "SourceError", "detect", "open_source", "register", "registered"]
