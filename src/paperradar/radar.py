"""The application object: one :class:`Radar` owns the settings, the store, the embedder and the caches, and
offers every operation a front end needs. The CLI, the web app and the mailer call only it.

    radar = Radar("papers.db")                      # settings from config.toml and the environment
    radar.ingest([Path("feed.xml")])
    digest = radar.digest("2025-05-20")             # the `interest` setting's profile
    report = radar.report("2025-05-12", "2025-05-18")   # always verified: ReportError otherwise

Tests build one with ``Radar(path, Settings(embedder="hashing"))`` instead of patching globals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperradar.config import Settings
from paperradar.errors import RadarError, ReportError
from paperradar.memo import Caches
from paperradar.models import IngestReport, Paper, normalize_arxiv_id
from paperradar.store import SearchFilters, Store, default_db_path, now_iso

if TYPE_CHECKING:  # heavy modules load on first use, so `paperradar --help` and a keyword search stay quick
    from paperradar.complete import CompletionReport
    from paperradar.deliver.email import Deliverer, SendReport
    from paperradar.embed import Embedder
    from paperradar.fetch import FetchReport
    from paperradar.index import Coverage, SearchHit
    from paperradar.llm import LLM
    from paperradar.pipeline import RunResult
    from paperradar.relevance import Profile, Scored
    from paperradar.relevance.library import LibraryProfile
    from paperradar.reports import Digest, Report
    from paperradar.sources.http import PoliteClient
    from paperradar.sources.zotero import ZoteroReport
    from paperradar.topics import TopicModel

FEEDBACK_VALUES = ("like", "dislike", "none")
# A search embeds a backlog this small itself (seconds); a larger one is left to `paperradar embed`, and the
# search answers at once from what is embedded, saying how much that is (Radar.coverage).
INLINE_EMBED = 200
# `paperradar ingest` embeds what it stored when at most this many papers lack a vector (minutes on a laptop's CPU),
# so that the searches after it read meaning as well as words; a bigger import is left to `paperradar embed`.
INGEST_EMBED = 5_000


@dataclass
class Feedback:
    """What a like/dislike did: the paper, the profile it teaches, and the value now stored (None: cleared)."""

    paper_id: str
    interest: str
    value: str | None


@dataclass
class Delivery:
    """One frequency's part of a `send`: which period, and what happened to each subscriber."""

    frequency: str
    period: str
    report: SendReport


class Radar:
    """paperradar as a library: ``Radar(db, settings)``.

    ``db`` is a database path (default: the ``db`` setting, else ``paperradar.db`` in the data directory) or an
    open :class:`Store`. ``settings`` default to :meth:`Settings.load`. ``embedder`` and ``llm`` replace the
    ones the settings name. One Radar may serve many threads: each gets its own SQLite connection
    (:attr:`store`), and the caches are shared and locked.
    """

    def __init__(
        self,
        db: str | Path | Store | None = None,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        llm: LLM | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings.load()
        self._local = threading.local()
        self._stores: list[Store] = []
        self._lock = threading.Lock()
        if isinstance(db, Store):
            self.db_path = db.path
            self._local.store = db
        else:
            self.db_path = Path(db) if db else Path(self.settings["db"]) if self.settings["db"] else default_db_path()
        self._embedder = embedder
        self._llm = llm
        self.caches = Caches()

    # -- resources -------------------------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """This thread's store (SQLite connections must not cross threads)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.db_path)
            with self._lock:
                self._stores.append(store)
        return store

    @property
    def embedder(self) -> Embedder:
        """The embedder the ``embedder`` setting names, loaded once."""
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    from paperradar.embed import make_embedder

                    self._embedder = make_embedder(str(self.settings["embedder"]))
        return self._embedder

    @property
    def llm(self) -> LLM | None:
        """The optional LLM of the ``llm.*`` settings (None: offline); one client per thread, since it caches its
        answers in this thread's store."""
        if self._llm is not None:
            return self._llm
        if not (self.settings["llm.url"] and self.settings["llm.model"]):
            return None
        llm = getattr(self._local, "llm", None)
        if llm is None:
            from paperradar.llm import LLM, LLMConfig

            cfg = LLMConfig(
                self.settings["llm.url"],
                self.settings["llm.model"],
                self.settings["llm.key"],
                int(self.settings["llm.max_tokens_per_run"]),
                float(self.settings["llm.timeout"]),
            )
            llm = self._local.llm = LLM(cfg, self.store)
        return llm

    def close(self) -> None:
        """Close every connection this radar opened."""
        with self._lock:
            for s in self._stores:
                s.close()
            self._stores.clear()
        self._local = threading.local()

    def __enter__(self) -> Radar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- papers, profiles --------------------------------------------------------------------------------------

    def paper_id(self, raw: str) -> str:
        """The stored id of ``raw`` (any arXiv spelling, or a ``title:`` id); RadarError when not stored."""
        pid = normalize_arxiv_id(raw) or raw
        if self.store.papers.status(pid) is None:
            raise RadarError(f"no paper {raw!r} in the database (ingest or fetch it first)")
        return pid

    def paper(self, raw: str) -> Paper:
        """A stored paper with its versions; RadarError when unknown."""
        paper = self.store.papers.get(self.paper_id(raw))
        assert paper is not None
        return paper

    def interest(self, name: str | None = None) -> str:
        """``name``, else the ``interest`` setting."""
        return name or self.settings.interest

    def profile(self, name: str | None = None, owner: str | None = None) -> Profile:
        """An interest profile by name (default: the ``interest`` setting): ``owner``'s own, the reader's, then
        built-in. ProfileError when there is none."""
        from paperradar.relevance import load_profile

        return load_profile(self.interest(name), owner=owner)

    def profiles(self, owner: str | None = None) -> list[str]:
        """Names of every profile ``owner`` (or the local reader) can use."""
        from paperradar.relevance import list_profiles

        return list_profiles(owner)

    # -- getting papers in ---------------------------------------------------------------------------------

    def ingest(
        self, paths: Sequence[Path], fmt: str | None = None, progress: Callable[[int], None] | None = None
    ) -> IngestReport:
        """Detect, parse and store files (SourceError, database untouched, when any cannot be parsed)."""
        from paperradar.ingest import ingest_sources, open_sources

        return ingest_sources(self.store, open_sources(paths, fmt), progress, batch=int(self.settings["ingest.batch"]))

    def fetch(
        self,
        source: str,
        *,
        categories: Sequence[str] | None = None,
        progress: Callable[[str], None] | None = None,
        base_url: str | None = None,
        **options: Any,
    ) -> FetchReport:
        """Fetch new papers from a live source (``oai``, ``api``, ``rss``, ``hf``; see fetch.SOURCES) with the
        ``fetch.*`` settings: categories, OAI set, contact address, request interval."""
        from paperradar.fetch import SOURCES, FetchOptions

        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; choose one of: {', '.join(SOURCES)}")
        opts = FetchOptions(
            categories=list(categories) if categories else self.settings.categories,
            set_spec=str(self.settings["fetch.oai_set"]),
            progress=progress,
            base_url=base_url,
            extra=options,
        )
        with self.client() as client:
            return SOURCES[source](self.store, client, opts)

    def sync_index(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Bring the keyword index up to date; return how many papers it (re)indexed."""
        from paperradar.index import sync_keyword_index

        return sync_keyword_index(self.store, progress, threshold=int(self.settings["index.tantivy_threshold"]))

    def embed(
        self,
        ids: Sequence[str] | None = None,
        progress: Callable[[int, int], None] | None = None,
        *,
        batch: int = 256,
    ) -> int:
        """Embed the stored papers (or ``ids``) that have no vector yet, saving each batch of ``batch`` as it is
        done (so an interrupted run keeps its work); return how many were embedded."""
        from paperradar.embed import ensure_embeddings

        return ensure_embeddings(self.store, self.embedder, ids, progress=progress, batch=batch)

    # -- ranking and finding -------------------------------------------------------------------------------

    def score(
        self,
        interest: str | Profile | None = None,
        ids: Sequence[str] | None = None,
        *,
        reader: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Scored]:
        """Score every stored paper (or ``ids``) for a profile, best first."""
        from paperradar.relevance import Profile, score_papers

        profile = interest if isinstance(interest, Profile) else self.profile(interest, reader)
        return score_papers(
            self.store, profile, ids, embedder=self.embedder, reader=reader, progress=progress, caches=self.caches
        )

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        filters: SearchFilters | None = None,
        mode: str = "hybrid",
        update: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[SearchHit]:
        """Hybrid keyword + meaning search (QueryError for a malformed query). Without ``update`` the backlog of
        unindexed or unembedded papers is left for later, so a web request answers at once."""
        from paperradar.index import search

        return search(
            self.store,
            query,
            limit=limit,
            filters=filters,
            embedder=self.embedder,
            mode=mode,
            progress=progress,
            update=update,
            caches=self.caches,
            threshold=int(self.settings["index.tantivy_threshold"]),
            embed_limit=INLINE_EMBED,
        )

    def coverage(self) -> Coverage:
        """How many stored papers the meaning side of search covers (have a vector), of how many."""
        from paperradar.index import vector_coverage

        return vector_coverage(self.store, self.embedder.name)

    def more_like_this(
        self, paper_id: str, *, limit: int = 10, filters: SearchFilters | None = None, update: bool = True
    ) -> list[SearchHit]:
        """Papers nearest in meaning to a stored paper (``update``: embed the backlog first, as :meth:`search`)."""
        from paperradar.index import more_like_this

        return more_like_this(
            self.store,
            self.paper_id(paper_id),
            limit=limit,
            filters=filters,
            embedder=self.embedder,
            caches=self.caches,
            update=update,
            embed_limit=INLINE_EMBED,
        )

    def topics(
        self, date_from: str | None, date_to: str | None, progress: Callable[[int, int], None] | None = None
    ) -> TopicModel:
        """Group the period's papers (all papers without dates) into named topics, and store them."""
        from paperradar.topics import assign_topics

        return assign_topics(self.store, date_from, date_to, embedder=self.embedder, progress=progress)

    # -- digests and reports ------------------------------------------------------------------------------

    def digest(
        self,
        day: str | None = None,
        interest: str | None = None,
        *,
        reader: str = "default",
        owner: str | None = None,
        mark: bool = False,
    ) -> Digest:
        """A day's digest (default: the newest day with papers) for ``reader``; ``mark`` records it as shown.
        ``owner`` (a multi-user account) selects that user's profiles and feedback."""
        from paperradar.reports import build_digest

        return build_digest(
            self.store,
            day or self.latest_day(),
            self.profile(interest, owner),
            embedder=self.embedder,
            reader=reader,
            owner=owner,
            mark=mark,
            llm=self.llm,
            caches=self.caches,
        )

    def mark_shown(self, digest: Digest) -> None:
        """Record a digest's papers as shown to its reader."""
        from paperradar.reports import mark_shown

        mark_shown(self.store, digest)

    def report(
        self,
        date_from: str,
        date_to: str,
        interest: str | None = None,
        *,
        period: str = "",
        owner: str | None = None,
    ) -> Report:
        """The trend report of a period, verified: every number and cited paper is checked against the papers'
        own text, and a report that fails is refused with ReportError (one line) wherever it was asked for."""
        from paperradar.reports import build_report

        return build_report(
            self.store,
            date_from,
            date_to,
            self.profile(interest, owner),
            embedder=self.embedder,
            period=period,
            llm=self.llm,
            caches=self.caches,
        )

    def week_report(self, week: str, interest: str | None = None, *, owner: str | None = None) -> Report:
        """The verified report of an ISO week (``2025-W20``)."""
        from paperradar.reports import week_range

        return self.report(*week_range(week), interest, period=week, owner=owner)

    def latest_day(self) -> str:
        """The newest day that has papers (today on an empty database)."""
        return self.store.papers.latest_day() or date.today().isoformat()

    # -- feedback -------------------------------------------------------------------------------------------

    def feedback(
        self,
        paper_id: str,
        value: str | None,
        *,
        interest: str | None = None,
        reader: str | None = None,
        toggle: bool = False,
    ) -> Feedback:
        """Like or dislike a paper for a profile (``None``/"none" clears it), for ``reader`` in multi-user mode.

        The rules, for every front end: the paper must be stored, the profile must be one the reader can use,
        the value one of like/dislike/none; with ``toggle`` (a page's button) giving the current value again
        clears it."""
        from paperradar.relevance import feedback_key

        value = None if value == "none" else value
        if value not in ("like", "dislike", None):
            raise RadarError(f"feedback must be one of {', '.join(FEEDBACK_VALUES)}, not {value!r}")
        name = self.interest(interest)
        if name not in self.profiles(reader):
            raise RadarError(f"no interest profile named {name!r}; known: {', '.join(self.profiles(reader))}")
        pid = self.paper_id(paper_id)
        key = feedback_key(name, reader)
        if toggle and value is not None and self.store.feedback.get(key, pid) == value:
            value = None
        self.store.feedback.set(key, pid, value, now_iso())
        return Feedback(pid, name, value)

    def feedback_of(self, interest: str | None = None, reader: str | None = None) -> dict[str, str]:
        """paper id -> like/dislike for a profile (and reader)."""
        from paperradar.relevance import feedback_key

        return self.store.feedback.of_profile(feedback_key(self.interest(interest), reader))

    # -- delivery -------------------------------------------------------------------------------------------

    def export(self, fmt: str, papers: Sequence[Paper]) -> str:
        """Papers as BibTeX, RIS, CSV or JSON Lines (ValueError for an unknown format)."""
        from paperradar.deliver.exports import EXPORTERS

        if fmt not in EXPORTERS:
            raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORTERS)}")
        return EXPORTERS[fmt](papers)

    def send(
        self, deliverer: Deliverer | None = None, *, day: str | None = None, week: str | None = None
    ) -> list[Delivery]:
        """E-mail what is due: ``day``'s digest (default today) to daily subscribers, ``week``'s report (default
        last week) to weekly ones, through ``deliverer`` (default: SMTP from the ``smtp.*`` settings). A report
        that fails verification is not sent: that delivery is recorded as failed with the reason and stays queued."""
        from paperradar.deliver.email import DeliveryError, Rendered, SmtpDeliverer, SmtpSettings, send_due
        from paperradar.render import render
        from paperradar.reports import week_of
        from paperradar.store import Subscription

        if deliverer is None:
            deliverer = SmtpDeliverer(SmtpSettings.from_settings(self.settings))
        day = day or date.today().isoformat()
        week = week or week_of((date.fromisoformat(day) - timedelta(days=7)).isoformat())

        def daily(sub: Subscription) -> Rendered | None:
            d = self.digest(day, sub.interest, reader=sub.reader, mark=False)
            if not d.items:
                return None
            return Rendered(
                f"paperradar — {sub.interest}, {day}: {len(d.items)} papers",
                render(d, "markdown"),
                render(d, "html"),
                len(d.items),
                on_sent=lambda: self.mark_shown(d),
            )

        def weekly(sub: Subscription) -> Rendered | None:
            try:
                r = self.week_report(week, sub.interest)
            except ReportError as e:
                raise DeliveryError(str(e)) from e
            if not r.relevant_papers:
                return None
            md = render(r, "markdown")
            return Rendered(f"paperradar — {sub.interest}, week {week}", md, render(r, "html"), r.relevant_papers)

        sender, base = str(self.settings["smtp.sender"]), str(self.settings["web.base_url"])
        return [
            Delivery(freq, period, send_due(self.store, freq, period, make, deliverer, sender=sender, base_url=base))
            for freq, period, make in (("daily", day, daily), ("weekly", week, weekly))
        ]

    # -- the reader's own library --------------------------------------------------------------------------

    def client(self) -> PoliteClient:
        """An HTTP client with the ``fetch.*`` politeness settings (request interval, contact address)."""
        from paperradar.fetch import make_client

        return make_client(float(self.settings["fetch.arxiv_interval"]), str(self.settings["fetch.contact"]))

    def complete(
        self,
        ids: Sequence[str] | None = None,
        *,
        base_url: str | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> CompletionReport:
        """Fill in papers known only by id (title, abstract, authors, dates) from the arXiv API, resumably."""
        from paperradar.complete import complete_metadata
        from paperradar.fetch import API_URL

        with self.client() as client:
            return complete_metadata(self.store, client, ids=ids, progress=progress, base_url=base_url or API_URL)

    def fetch_zotero(
        self,
        user: str,
        key: str | None,
        *,
        collection: str | None = None,
        base_url: str | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> ZoteroReport:
        """Sync the reader's Zotero library (or one collection) incrementally; the key is never logged."""
        from paperradar.sources.http import PoliteClient
        from paperradar.sources.zotero import ZOTERO_URL, fetch_zotero

        with PoliteClient(default_interval=0.5) as client:
            return fetch_zotero(
                self.store,
                client,
                user=user,
                key=key,
                collection=collection,
                base_url=base_url or ZOTERO_URL,
                progress=progress,
            )

    def new_profile(
        self,
        name: str,
        papers: Sequence[Paper],
        *,
        description: str = "",
        follow: Sequence[str] = (),
        owner: str | None = None,
    ) -> LibraryProfile:
        """A profile ``name`` seeded with a library's papers (ingested), with named sub-areas and a threshold
        calibrated on the stored days; saved among ``owner``'s (or the reader's) profiles."""
        from paperradar.relevance.library import build_library_profile
        from paperradar.relevance.profiles import user_profiles_dir

        return build_library_profile(
            self.store,
            self.embedder,
            name,
            papers,
            user_profiles_dir(owner),
            description=description,
            follow_authors=follow,
        )

    def least_sure(self, name: str, *, reader: str | None = None, skip: Sequence[str] = ()) -> Scored | None:
        """The next question of `teach` among recent papers the reader has not answered nor skipped: by turns the
        one profile ``name`` is least sure about (closest to its threshold) and its best-scored one."""
        from paperradar.relevance.library import least_sure, teach_pool

        profile = self.profile(name, reader)
        answered = set(self.feedback_of(name, reader)) | set(self.store.papers.resolve(profile.seeds)) | set(skip)
        pick = least_sure(self.score(profile, teach_pool(self.store), reader=reader), profile.threshold, answered)
        return pick[0] if pick else None

    # -- composed jobs (paperradar.pipeline) --------------------------------------------------------------

    def run(self, *, out: Path, **options: Any) -> RunResult:
        """The daily job (see :func:`paperradar.pipeline.run`)."""
        from paperradar.pipeline import run

        return run(self, out=out, **options)

    def demo(self, out: Path, **options: Any) -> RunResult:
        """The bundled sample, end to end (see :func:`paperradar.pipeline.demo`)."""
        from paperradar.pipeline import demo

        return demo(self, out, **options)


__all__ = ["Delivery", "Feedback", "Radar", "RadarError", "ReportError"]
