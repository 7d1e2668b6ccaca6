"""paperradar: a research radar for ML literature.

The library's front door is :class:`Radar`, the application object every front end uses::

    from paperradar import Radar, Settings
    radar = Radar("papers.db", Settings.load())
"""

from __future__ import annotations

from paperradar.config import ConfigError, Settings
from paperradar.models import IngestReport, Paper, Rejected, Version, normalize_arxiv_id
from paperradar.radar import Delivery, Feedback, Radar, RadarError, ReportError
from paperradar.sources import Source, SourceError
from paperradar.store import Store

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Delivery",
    "Feedback",
    "IngestReport",
    "Paper",
    "Radar",
    "RadarError",
    "Rejected",
    "ReportError",
    "Settings",
    "Source",
    "SourceError",
    "Store",
    "Version",
    "__version__",
    "normalize_arxiv_id",
]
