"""The daily digest and the weekly trend report, as data (rendering is :mod:`paperradar.render`'s job).

Every figure in a report is either computed here (counts, listed in ``Report.computed``) or quoted from a paper's
own abstract through its summary; every cited paper is one of the report's inputs. The report is built in stages
(:mod:`.report`: ``score_period``, ``topics_for``, ``synthesize``, ``verify``) and ``build_report`` verifies every
report it returns.
"""

from __future__ import annotations

from paperradar.reports.common import OTHER, Item, make_items, paper_day, period_key, week_of, week_range
from paperradar.reports.digest import Digest, Group, build_digest, day_topics, mark_shown
from paperradar.reports.report import (
    OTHER_THEME,
    Period,
    PeriodTopics,
    Report,
    ReportError,
    ReportTopic,
    build_report,
    score_period,
    synthesize,
    topics_for,
    verify,
)
from paperradar.store import now_iso

TopicTrend = ReportTopic  # the name of a report's topic before the registry

__all__ = [
    "OTHER",
    "OTHER_THEME",
    "Digest",
    "Group",
    "Item",
    "Period",
    "PeriodTopics",
    "Report",
    "ReportError",
    "ReportTopic",
    "TopicTrend",
    "build_digest",
    "build_report",
    "day_topics",
    "make_items",
    "mark_shown",
    "now_iso",
    "paper_day",
    "period_key",
    "score_period",
    "synthesize",
    "topics_for",
    "verify",
    "week_of",
    "week_range",
]
