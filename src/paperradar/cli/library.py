"""`paperradar profiles --new`, `paperradar complete`, `paperradar teach`: start a profile from your own library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from paperradar.cli.app import EXIT_BAD_INPUT, EXIT_FAILURE, app, console, err, fail, open_radar, plain


def _say(message: str) -> None:
    err.print(message, style="dim", highlight=False, markup=False)


def new_profile(
    ctx: typer.Context,
    name: str,
    files: list[Path],
    description: str | None,
    follow: list[str],
    *,
    complete: bool = True,
    fmt: str | None = None,
) -> None:
    """Build profile ``name`` from library files and print its sub-areas and threshold."""
    from paperradar.ingest import ingest_items
    from paperradar.relevance.library import read_library
    from paperradar.sources import SourceError
    from paperradar.sources.http import FetchError

    if not files:
        fail("give the library with --from FILE (repeatable)", EXIT_BAD_INPUT)
    try:
        library = read_library(files, fmt)
    except SourceError as e:
        fail(str(e), EXIT_BAD_INPUT)
    with open_radar(ctx) as radar:
        sparse = [p.id for p in library.papers if p.id and (not p.title or not p.abstract)]
        if sparse and complete:
            _say(f"completing {len(sparse)} paper(s) from the arXiv API")
            ingest_items(radar.store, library.papers, source=f"library:{name}")
            try:
                radar.complete(sparse)
            except (FetchError, SourceError) as e:
                err.print(
                    f"arXiv could not complete them ({e}); go on with what the files hold",
                    style="yellow",
                    markup=False,
                )
            done = {p.id: p for p in radar.store.papers.iter(sparse)}
            library.papers = [done.get(p.id, p) if p.id else p for p in library.papers]
        try:
            made = radar.new_profile(name, library.papers, description=description or "", follow=follow)
        except ValueError as e:
            fail(str(e), EXIT_BAD_INPUT)
    console.print(
        f"profile {name}: {made.seeds} seed paper(s) from {len(files)} file(s) ({library.rejected} record(s) "
        f"unreadable, {made.incomplete} without abstract); threshold {made.threshold:.3f} "
        f"(calibrated on {made.days} day(s))",
        highlight=False,
        markup=False,
    )
    for area in made.areas:
        console.print(f"  {area.name} ({len(area.papers)})", highlight=False, markup=False)
    console.print(
        f"saved to {made.path}; try `paperradar teach {name}` to sharpen it", style="dim", highlight=False, markup=False
    )


@app.command()
def complete(
    ctx: typer.Context,
    ids: Annotated[list[str] | None, typer.Argument(help="arXiv ids (default: every incomplete paper).")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Override the arXiv API endpoint.")] = None,
) -> None:
    """Fetch missing titles, abstracts and authors from the arXiv API for papers known only by id.

    Batched id_list queries, one request every 3 seconds, retries on 429/5xx; re-run to resume."""
    from paperradar.sources.http import FetchError

    with open_radar(ctx) as radar:
        try:
            report = radar.complete(ids or None, base_url=base_url, progress=_say)
        except FetchError as e:
            fail(f"{e} (what was fetched is kept; run again to resume)", EXIT_FAILURE)
    for note in report.notes:
        _say(note)
    if not report.asked:
        console.print("nothing to complete", highlight=False)
        return
    console.print(f"completed {report.completed} of {report.asked} paper(s) in {report.requests} request(s)")
    if report.still_incomplete:
        console.print(
            f"still incomplete ({len(report.still_incomplete)}): {', '.join(report.still_incomplete[:20])}",
            highlight=False,
            markup=False,
        )


@app.command()
def teach(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The profile to teach.")],
    count: Annotated[int, typer.Option("--count", "-n", help="Ask about at most this many papers.")] = 10,
) -> None:
    """Answer like / dislike / skip, one paper at a time: by turns the one the profile is least sure about and its
    best-scored one."""
    from paperradar.relevance import ProfileError

    answered: set[str] = set()
    asked = liked = disliked = 0
    with open_radar(ctx) as radar:
        try:
            profile = radar.profile(name)
        except ProfileError as e:
            fail(str(e), EXIT_BAD_INPUT)
        while asked < count:
            s = radar.least_sure(name, skip=sorted(answered))  # among the recent papers the digests will hold
            if s is None:
                console.print("no unanswered papers left", highlight=False)
                break
            paper = radar.store.papers.get(s.id)
            if paper is None:
                answered.add(s.id)
                continue
            asked += 1
            console.rule(f"{asked}/{count}  score {s.score:.2f} (threshold {profile.threshold:.2f})")
            console.print(plain(f"{paper.title}  {paper.id}"), style="bold", highlight=False)
            console.print(plain(", ".join(paper.authors[:8])), style="dim", highlight=False)
            console.print(plain(paper.abstract or "(no abstract)"), highlight=False)
            answer = typer.prompt("like / dislike / skip / quit [l/d/s/q]", default="s").strip().lower()[:1]
            if answer == "q":
                break
            answered.add(s.id)
            if answer in ("l", "d"):
                radar.feedback(s.id, "like" if answer == "l" else "dislike", interest=name)
                liked += answer == "l"
                disliked += answer == "d"
    console.print(f"{liked} liked, {disliked} disliked; profile {name} learns from them now", highlight=False)


def fetch_zotero_command(
    ctx: typer.Context, user: str | None, key: str | None, collection: str | None, base_url: str | None
) -> None:
    """`paperradar fetch zotero`: sync the reader's Zotero library (the key is never printed)."""
    from paperradar.sources.http import FetchError
    from paperradar.sources.zotero import ZoteroError

    if not user:
        fail("give --user ID (your numeric Zotero user id, shown at zotero.org/settings/keys)", EXIT_BAD_INPUT)
    with open_radar(ctx) as radar:
        try:
            report = radar.fetch_zotero(user, key, collection=collection, base_url=base_url, progress=_say)
        except ZoteroError as e:
            fail(str(e), EXIT_FAILURE)
        except FetchError as e:
            fail(str(e).replace(key, "***") if key else str(e), EXIT_FAILURE)
        except ValueError as e:
            fail(str(e), EXIT_BAD_INPUT)
    for note in report.notes:
        _say(note)
    r = report.ingest
    console.print(
        f"zotero: {report.items} item(s), {report.requests} request(s): {r.new} new, {r.updated} updated, "
        f"{r.unchanged} unchanged, {r.quarantined} quarantined (library version {report.version})",
        highlight=False,
    )
