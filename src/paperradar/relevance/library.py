"""A profile started from the reader's own library: its papers are the seeds, its clusters the named sub-areas,
and its threshold is calibrated on the stored days so a typical day selects a readable number of papers.

Also the two ways a reader refines it: ``teach`` (the papers the profile is least sure about, answered one at a
time — active learning) and followed authors, whose new papers always appear.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from paperradar.embed import Embedder, paper_text
from paperradar.ingest import ingest_items
from paperradar.models import TITLE_ID_PREFIX, Paper, last_name, normalize_title
from paperradar.relevance.build import pack_seeds
from paperradar.relevance.profiles import Profile, parse_profile
from paperradar.relevance.scorer import Scored
from paperradar.sources import open_source
from paperradar.store import Store

PER_DAY = 15  # papers a typical day should select: a digest one reads over coffee
BACKGROUND = 5000  # ordinary stored papers the library's lexical model is fitted against
RECENT_SHARE = 0.25  # the most recently added quarter of the library counts twice (as zotero-arxiv-daily weighs)


@dataclass
class Library:
    """The papers of one or more library files, one per paper, and what could not be read."""

    papers: list[Paper]
    rejected: int = 0
    files: list[str] = field(default_factory=list)


def _identity(p: Paper) -> list[str]:
    keys = [f"id:{p.id}"] if p.id else []
    if p.doi:
        keys.append(f"doi:{p.doi.lower()}")
    if p.title:
        keys.append(f"title:{normalize_title(p.title)}|{last_name(p.authors[0]) if p.authors else ''}")
    return keys


def _fill(into: Paper, other: Paper) -> None:
    for f in ("id", "version", "title", "abstract", "published", "doi", "journal_ref", "primary_category"):
        if not getattr(into, f) and getattr(other, f):
            setattr(into, f, getattr(other, f))
    if not into.authors:
        into.authors = other.authors
    into.categories = list(dict.fromkeys([*into.categories, *other.categories]))
    into.links = {**other.links, **into.links}
    added = [a for a in (into.extra.get("added"), other.extra.get("added")) if a]
    into.extra = {**other.extra, **into.extra}
    if added:
        into.extra["added"] = min(added)
    if into.title and into.abstract:
        into.extra.pop("incomplete", None)


def merge_papers(papers: Iterable[Paper]) -> list[Paper]:
    """One record per paper: records sharing an arXiv id, a DOI or a normalized title + first author are merged,
    each field taken from the first record that has it."""
    out: list[Paper] = []
    index: dict[str, int] = {}
    for p in papers:
        hit = next((index[k] for k in _identity(p) if k in index), None)
        if hit is None:
            out.append(p)
            hit = len(out) - 1
        else:
            _fill(out[hit], p)
        for k in _identity(out[hit]):
            index.setdefault(k, hit)
    return out


def read_library(paths: Sequence[Path], fmt: str | None = None) -> Library:
    """Read library exports of any supported format, or all as ``fmt`` (raises SourceError naming a file that
    cannot be read)."""
    papers: list[Paper] = []
    rejected = 0
    for path in paths:
        for item in open_source(Path(path), fmt).records():
            if isinstance(item, Paper):
                papers.append(item)
            else:
                rejected += 1
    return Library(merge_papers(papers), rejected, [str(p) for p in paths])


@dataclass
class Area:
    """A sub-area of a library: a name made of its distinctive phrases, and its papers."""

    name: str
    papers: list[str]


def find_areas(papers: Sequence[Paper], vectors: np.ndarray, max_areas: int = 8) -> list[Area]:
    """Group library papers into sub-areas (k-means on the embeddings, k by silhouette) named by class-based TF-IDF
    phrases, as topics are named."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    from paperradar.topics.labels import label_clusters

    n = len(papers)
    ids = [p.key for p in papers]
    if n < 6:
        labels = np.zeros(n, dtype=int)
    else:
        best: tuple[float, np.ndarray] | None = None
        for k in range(2, min(max_areas, n // 3) + 1):
            fitted = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(vectors)
            s = float(silhouette_score(vectors, fitted, metric="cosine"))
            if best is None or s > best[0]:
                best = (s, fitted)
        labels = best[1] if best is not None else np.zeros(n, dtype=int)
    texts = [f"{p.title}. {p.abstract}" for p in papers]
    if len(set(labels.tolist())) > 1:
        names = label_clusters(texts, labels, top=3)
    else:  # one area: its phrases against an empty contrast class
        names = {0: label_clusters([*texts, "x"], np.array([*labels.tolist(), 1]), top=3).get(0, [])}
    areas = []
    for lab in sorted(set(labels.tolist()), key=lambda v: -int((labels == v).sum())):
        members = [ids[i] for i in np.flatnonzero(labels == lab)]
        name = ", ".join(names.get(int(lab), [])) or papers[int(np.flatnonzero(labels == lab)[0])].title
        areas.append(Area(name, members))
    return areas


def calibrate_threshold(day_scores: Sequence[Sequence[float]], per_day: int = PER_DAY) -> float:
    """The threshold at which the median day selects about ``per_day`` papers (0.5 when no day is known)."""
    cuts = []
    for scores in day_scores:
        ranked = sorted(scores, reverse=True)
        if len(ranked) > per_day:
            cuts.append((ranked[per_day - 1] + ranked[per_day]) / 2)
    if not cuts:
        return 0.5
    return float(min(0.99, max(0.01, float(np.median(cuts)))))


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _toml_list(values: Iterable[str]) -> str:
    return "[\n" + "".join(f"  {_toml_str(v)},\n" for v in values) + "]"


def profile_toml(
    name: str,
    description: str,
    areas: Sequence[Area],
    seeds: Sequence[str],
    threshold: float,
    follow_authors: Sequence[str] = (),
    categories: Sequence[str] = (),
) -> str:
    """The TOML text of a library profile (seed vectors and lexical model live in the files it names)."""
    lines = [
        f"# Made by `paperradar profiles --new {name}` from the reader's library.",
        f"name = {_toml_str(name)}",
        f"description = {_toml_str(description)}",
        f"threshold = {threshold:.4f}",
        "# Sub-areas found in the library, named by their distinctive phrases.",
        f"subtopics = {_toml_list(a.name for a in areas)}",
        f"include_categories = {_toml_list(categories)}",
        f"seeds = {_toml_list(seeds)}",
        f"follow_authors = {_toml_list(follow_authors)}",
        f'seed_file = "{name}_seeds.npz"',
        f'lexical_file = "{name}_lexical.npz"',
    ]
    return "\n".join(lines) + "\n"


@dataclass
class LibraryProfile:
    """What ``profiles --new`` made: the profile file, its sub-areas, threshold and the library's counts."""

    path: Path
    profile: Profile
    areas: list[Area]
    seeds: int
    incomplete: int
    threshold: float
    days: int


def _weighted(papers: list[Paper]) -> list[Paper]:
    """The library with its most recently added items listed twice, when the export says when items were added."""
    dated = sorted((p for p in papers if p.extra.get("added")), key=lambda p: str(p.extra["added"]), reverse=True)
    if len(dated) < 4:
        return papers
    return [*papers, *dated[: max(1, int(len(dated) * RECENT_SHARE))]]


def build_library_profile(
    store: Store,
    embedder: Embedder,
    name: str,
    library: Sequence[Paper],
    folder: Path,
    *,
    description: str = "",
    per_day: int = PER_DAY,
    follow_authors: Sequence[str] = (),
    recent_weight: bool = True,
    calibration_days: int = 5,
) -> LibraryProfile:
    """Ingest the library, write ``NAME.toml`` and its seed files into ``folder``, and return the new profile.

    Seeds are the library's papers that have a title (an id-only paper needs ``paperradar complete`` first); the
    threshold is calibrated on the ``calibration_days`` busiest of the last 400 stored days, library excluded.
    """
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{1,64}", name):
        raise ValueError(f"profile name {name!r}: use 1-64 letters, digits, '-', '_' or '.'")
    ingest_items(store, list(library), source=f"library:{name}")
    # seeds are named by their stored ids: a title-only paper may be stored in its arXiv record (an earlier run)
    usable = [
        replace(p, id=i) if i and not p.id and not i.startswith(TITLE_ID_PREFIX) else p
        for p, i in zip(library, store.papers.stored_ids(library), strict=True)
    ]
    usable = [p for p in usable if p.title]
    if len(usable) < 3:
        raise ValueError(f"the library has {len(usable)} paper(s) with a title; a profile needs at least 3")
    vectors = embedder.embed_batch([paper_text(p.title, p.abstract) for p in usable])
    areas = find_areas(usable, vectors)
    own = {p.key for p in usable}
    everything = [i for i in store.papers.ids() if i not in own]
    sample = random.Random(0).sample(everything, min(len(everything), BACKGROUND))
    background = [p for p in store.papers.iter(sample) if p.title]
    seeds = _weighted(usable) if recent_weight else usable
    if len(background) < 20:  # a fresh database: the library's lexical model needs ordinary papers to contrast
        raise ValueError(
            f"the database holds {len(background)} papers besides the library; fetch or ingest some new papers "
            "first (e.g. `paperradar fetch rss`) so the profile can learn what is ordinary"
        )
    # seed files name papers by their store key (arXiv id, else title:<hash>)
    pack_seeds([replace(p, id=p.key) for p in seeds], background, embedder, folder, name)
    desc = description or "Papers like those in my library: " + "; ".join(a.name for a in areas[:4])
    cats = [c for c, _ in _top_categories(usable)]
    arxiv_seeds = sorted({p.id for p in usable if p.id})
    text = profile_toml(name, desc, areas, arxiv_seeds, 0.5, follow_authors, cats)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    profile = parse_profile(text, str(path), folder)
    threshold, days = _calibrate(store, profile, embedder, own, per_day, calibration_days)
    text = profile_toml(name, desc, areas, arxiv_seeds, threshold, follow_authors, cats)
    path.write_text(text, encoding="utf-8")
    profile = parse_profile(text, str(path), folder)
    incomplete = sum(1 for p in library if not p.title or not p.abstract)
    return LibraryProfile(path, profile, areas, len(usable), incomplete, threshold, days)


def _top_categories(papers: Sequence[Paper]) -> list[tuple[str, int]]:
    from collections import Counter

    counts = Counter(c for p in papers for c in p.categories if "." in c)
    return [(c, n) for c, n in counts.most_common() if n >= max(2, len(papers) // 20)]


def _calibrate(
    store: Store, profile: Profile, embedder: Embedder, own: set[str], per_day: int, n_days: int
) -> tuple[float, int]:
    from paperradar.relevance import score_papers

    days = [d for d in store.papers.days(limit=400) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d[0] or "")]
    day_scores = []
    for day, _count in sorted(days, key=lambda d: -d[1])[:n_days]:
        ids = [p.id for p in store.papers.select(date_from=day, date_to=day) if p.id and p.id not in own]
        if len(ids) > per_day:
            day_scores.append([s.score for s in score_papers(store, profile, ids, embedder=embedder)])
    return calibrate_threshold(day_scores, per_day), len(day_scores)


# ---- teaching: active learning ---------------------------------------------------------------------------------


def teach_pool(store: Store, days: int = 14) -> list[str] | None:
    """Ids of the papers of the last ``days`` stored days (what a reader would be shown), or None for all."""
    from datetime import date, timedelta

    latest = store.papers.latest_day()
    if not latest or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", latest[:10]):
        return None
    start = (date.fromisoformat(latest[:10]) - timedelta(days=days)).isoformat()
    return [p.id for p in store.papers.select(date_from=start) if p.id] or None


def least_sure(scored: Sequence[Scored], threshold: float, answered: set[str], n: int = 1) -> list[Scored]:
    """The next ``n`` questions of `teach` among unanswered papers: by turns the paper the profile is least sure of
    (score closest to the threshold) and its best-scored one. Near the threshold a new profile mostly finds papers
    the reader dislikes; the top of the ranking is where a like confirms a direction and a dislike corrects what the
    digest would show first (the turn follows how many papers were answered already)."""
    pool = [s for s in scored if s.id not in answered]
    nearest = sorted(pool, key=lambda s: abs(s.score - threshold))
    best = sorted(pool, key=lambda s: -s.score)
    out: list[Scored] = []
    taken: set[str] = set()
    turn = len(answered)
    while len(out) < min(n, len(pool)):
        source = nearest if turn % 2 == 0 else best
        pick = next(s for s in source if s.id not in taken)
        out.append(pick)
        taken.add(pick.id)
        turn += 1
    return out


def _author_key(name: str) -> str:
    return normalize_title(name)


def followed_by(paper: Paper, authors: Sequence[str]) -> str | None:
    """The followed author who wrote ``paper`` (names compared without case or accents), else None."""
    wanted = {_author_key(a): a for a in authors}
    for a in paper.authors:
        if _author_key(a) in wanted:
            return wanted[_author_key(a)]
    return None


def mark_followed(scored: list[Scored], papers: dict[str, Paper], authors: Sequence[str]) -> list[Scored]:
    """Make every paper by a followed author relevant, with the author named first in its explanation."""
    if not authors:
        return scored
    for s in scored:
        p = papers.get(s.id)
        who = followed_by(p, authors) if p else None
        if who:
            s.relevant = True
            s.explanation = f"by followed author {who}; " + s.explanation
    return scored
