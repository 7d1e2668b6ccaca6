"""The errors the application object raises, in a module light enough for every front end to import."""

from __future__ import annotations


class RadarError(Exception):
    """A request the radar refuses: unknown paper, bad feedback value, and the like (the message says why)."""


class ReportError(RadarError):
    """A report that failed its grounding check; it is never shown or sent. The message gives the first problems."""


__all__ = ["RadarError", "ReportError"]
