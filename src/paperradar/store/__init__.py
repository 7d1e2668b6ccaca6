"""The one owner of storage: SQLite (WAL, FTS5), numbered migrations and the data directory."""

from __future__ import annotations

from pathlib import Path

from paperradar.store.accounts import AccountRepo, User
from paperradar.store.db import Database, StoreCorrupt, StoreError, data_dir, default_db_path, now_iso
from paperradar.store.delivery import DeliveryRepo, Subscription
from paperradar.store.embeddings import EmbeddingRepo
from paperradar.store.feedback import FeedbackRepo
from paperradar.store.papers import PaperRepo, StateRepo, paper_from_row
from paperradar.store.search import SearchFilters, SearchRepo
from paperradar.store.topics import SeenRepo, SummaryRepo, TopicRepo


class Store:
    """A paperradar database. Repositories per record kind hang off it (``store.papers``, ``store.state``)."""

    def __init__(self, path: str | Path | None = None, *, readonly: bool = False) -> None:
        self.db = Database(path or default_db_path(), readonly=readonly)
        self.papers = PaperRepo(self.db)
        self.state = StateRepo(self.db)
        self.embeddings = EmbeddingRepo(self.db)
        self.delivery = DeliveryRepo(self.db)
        self.accounts = AccountRepo(self.db)
        self.search = SearchRepo(self.db)
        self.feedback = FeedbackRepo(self.db)
        self.topics = TopicRepo(self.db)
        self.seen = SeenRepo(self.db)
        self.summaries = SummaryRepo(self.db)

    @property
    def path(self) -> Path:
        """The database file."""
        return self.db.path

    def files_dir(self, kind: str) -> Path:
        """A folder beside the database for derived files of one ``kind`` (e.g. "index", "charts"),
        created on demand: ``radar.db`` -> ``radar.db.files/<kind>/``."""
        d = self.path.parent / f"{self.path.name}.files" / kind
        d.mkdir(parents=True, exist_ok=True)
        return d

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = [
    "SearchFilters",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "Subscription",
    "User",
    "data_dir",
    "default_db_path",
    "now_iso",
    "paper_from_row",
]
