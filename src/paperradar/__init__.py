"""paperradar: a research radar for ML literature.

The library's front door is :class:`Radar`, the application object every front end uses::

    from paperradar import Radar, Settings
    radar = Radar("papers.db", Settings.load())

Names are imported on first use, so that `paperradar --help` or a search does not pay for every parser and model.
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "ConfigError": "paperradar.config",
    "Settings": "paperradar.config",
    "IngestReport": "paperradar.models",
    "Paper": "paperradar.models",
    "Rejected": "paperradar.models",
    "Version": "paperradar.models",
    "normalize_arxiv_id": "paperradar.models",
    "Delivery": "paperradar.radar",
    "Feedback": "paperradar.radar",
    "Radar": "paperradar.radar",
    "RadarError": "paperradar.radar",
    "ReportError": "paperradar.radar",
    "Source": "paperradar.sources",
    "SourceError": "paperradar.sources",
    "Store": "paperradar.store",
}

if _typing.TYPE_CHECKING:
    from paperradar.config import ConfigError, Settings
    from paperradar.models import IngestReport, Paper, Rejected, Version, normalize_arxiv_id
    from paperradar.radar import Delivery, Feedback, Radar, RadarError, ReportError
    from paperradar.sources import Source, SourceError
    from paperradar.store import Store


def __getattr__(name: str) -> _typing.Any:
    if name in _EXPORTS:
        value = getattr(_importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'paperradar' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


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
