"""`paperradar profiles --new`, `paperradar complete`, `paperradar teach`: start a profile from your own library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from paperradar import config
from paperradar.cli.app import EXIT_BAD_INPUT, EXIT_FAILURE, app, console, err, fail, open_store
from paperradar.embed import Embedder
from paperradar.sources import SourceError
from paperradar.sources.http import FetchError, PoliteClient


def _embedder() -> Embedder:
    from paperradar.embed import default_embedder

    return default_embedder()


def new_profile(
    ctx: typer.Context,
    name: str,
    files: list[Path],
    description: str | None,
    follow: list[str],
    *,
    complete: bool = True,
) -> None:
    """Build profile ``name`` from library files and print its sub-areas and threshold."""
    from paperradar.complete import complete_metadata
    from paperradar.fetch import make_client
    from paperradar.relevance.library import build_library_profile, read_library
    from paperradar.relevance.profiles import user_profiles_dir

    if not files:
        fail("give the library with --from FILE (repeatable)", EXIT_BAD_INPUT)
    try:
        library = read_library(files)
    except SourceError as e:
        fail(str(e), EXIT_BAD_INPUT)
    with open_store(ctx) as store:
        sparse = [p.id for p in library.papers if p.id and (not p.title or not p.abstract)]
        if sparse and complete:
            settings = config.load()
            err.print(f"completing {len(sparse)} paper(s) from the arXiv API", style="dim")
            from paperradar.ingest import ingest_items

            ingest_items(store, library.papers, source=f"library:{name}")
            try:
                with make_client(float(settings["fetch.arxiv_interval"]), settings["fetch.contact"]) as client:
                    complete_metadata(store, client, ids=sparse)
            except (FetchError, SourceError) as e:
                err.print(f"arXiv could not complete them ({e}); go on with what the files hold", style="yellow")
            done = {p.id: p for p in store.papers.iter(sparse)}
            library.papers = [done.get(p.id, p) if p.id else p for p in library.papers]
        try:
            made = build_library_profile(
                store,
                _embedder(),
                name,
                library.papers,
                user_profiles_dir(),
                description=description or "",
                follow_authors=follow,
            )
        except ValueError as e:
            fail(str(e), EXIT_BAD_INPUT)
    console.print(
        f"profile {name}: {made.seeds} seed paper(s) from {len(files)} file(s) ({library.rejected} record(s) "
        f"unreadable, {made.incomplete} without abstract); threshold {made.threshold:.3f} "
        f"(calibrated on {made.days} day(s))",
        highlight=False,
    )
    for area in made.areas:
        console.print(f"  {area.name} ({len(area.papers)})", highlight=False)
    console.print(f"saved to {made.path}; try `paperradar teach {name}` to sharpen it", style="dim", highlight=False)


@app.command()
def complete(
    ctx: typer.Context,
    ids: Annotated[list[str] | None, typer.Argument(help="arXiv ids (default: every incomplete paper).")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Override the arXiv API endpoint.")] = None,
) -> None:
    """Fetch missing titles, abstracts and authors from the arXiv API for papers known only by id.

    Batched id_list queries, one request every 3 seconds, retries on 429/5xx; re-run to resume."""
    from paperradar.complete import complete_metadata
    from paperradar.fetch import make_client

    settings = config.load()
    urls: dict[str, Any] = {"base_url": base_url} if base_url else {}
    with open_store(ctx) as store, make_client(float(settings["fetch.arxiv_interval"]), settings["fetch.contact"]) as c:
        try:
            report = complete_metadata(
                store, c, ids=ids or None, progress=lambda m: err.print(m, style="dim", highlight=False), **urls
            )
        except FetchError as e:
            fail(f"{e} (what was fetched is kept; run again to resume)", EXIT_FAILURE)
    for note in report.notes:
        console.print(note, style="dim", highlight=False)
    if not report.asked:
        console.print("nothing to complete", highlight=False)
        return
    console.print(f"completed {report.completed} of {report.asked} paper(s) in {report.requests} request(s)")
    if report.still_incomplete:
        console.print(
            f"still incomplete ({len(report.still_incomplete)}): {', '.join(report.still_incomplete[:20])}",
            highlight=False,
        )


@app.command()
def teach(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The profile to teach.")],
    count: Annotated[int, typer.Option("--count", "-n", help="Ask about at most this many papers.")] = 10,
) -> None:
    """Answer like / dislike / skip for the papers the profile is least sure about, one at a time."""
    from paperradar.relevance import ProfileError, feedback_key, load_profile, score_papers
    from paperradar.relevance.library import least_sure, teach_pool
    from paperradar.store import now_iso

    try:
        profile = load_profile(name)
    except ProfileError as e:
        fail(str(e), EXIT_BAD_INPUT)
    embedder = _embedder()
    answered: set[str] = set()
    asked = liked = disliked = 0
    with open_store(ctx) as store:
        seeds = set(profile.seeds)
        pool = teach_pool(store)  # the recent papers: what the reader's digests will hold
        while asked < count:
            known = set(store.feedback.of_profile(feedback_key(name))) | seeds | answered
            scored = score_papers(store, profile, pool, embedder=embedder)
            pick = least_sure(scored, profile.threshold, known)
            if not pick:
                console.print("no unanswered papers left", highlight=False)
                break
            s = pick[0]
            paper = store.papers.get(s.id)
            if paper is None:
                answered.add(s.id)
                continue
            asked += 1
            console.rule(f"{asked}/{count}  score {s.score:.2f} (threshold {profile.threshold:.2f})")
            console.print(f"[bold]{paper.title}[/bold]  {paper.id}", highlight=False)
            console.print(", ".join(paper.authors[:8]), style="dim", highlight=False)
            console.print(paper.abstract or "(no abstract)", highlight=False)
            answer = typer.prompt("like / dislike / skip / quit [l/d/s/q]", default="s").strip().lower()[:1]
            if answer == "q":
                break
            answered.add(s.id)
            if answer in ("l", "d"):
                value = "like" if answer == "l" else "dislike"
                store.feedback.set(feedback_key(name), s.id, value, now_iso())
                liked += answer == "l"
                disliked += answer == "d"
    console.print(f"{liked} liked, {disliked} disliked; profile {name} learns from them now", highlight=False)


def fetch_zotero_command(
    ctx: typer.Context, user: str | None, key: str | None, collection: str | None, base_url: str | None
) -> None:
    """`paperradar fetch zotero`: sync the reader's Zotero library (the key is never printed)."""
    from paperradar.sources.zotero import ZoteroError, fetch_zotero

    if not user:
        fail("give --user ID (your numeric Zotero user id, shown at zotero.org/settings/keys)", EXIT_BAD_INPUT)
    urls: dict[str, Any] = {"base_url": base_url} if base_url else {}
    with open_store(ctx) as store, PoliteClient(default_interval=0.5) as client:
        try:
            report = fetch_zotero(
                store,
                client,
                user=user,
                key=key,
                collection=collection,
                progress=lambda m: err.print(m, style="dim", highlight=False),
                **urls,
            )
        except ZoteroError as e:
            fail(str(e), EXIT_FAILURE)
        except FetchError as e:
            fail(str(e).replace(key, "***") if key else str(e), EXIT_FAILURE)
        except ValueError as e:
            fail(str(e), EXIT_BAD_INPUT)
    for note in report.notes:
        console.print(note, style="dim", highlight=False)
    r = report.ingest
    console.print(
        f"zotero: {report.items} item(s), {report.requests} request(s): {r.new} new, {r.updated} updated, "
        f"{r.unchanged} unchanged, {r.quarantined} quarantined (library version {report.version})",
        highlight=False,
    )
