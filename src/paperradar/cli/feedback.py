"""`paperradar like / dislike / unlike / tag / untag / profiles`: teach a profile and organize papers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from paperradar.cli.app import EXIT_BAD_INPUT, app, console, fail, new_table, open_radar
from paperradar.radar import Radar, RadarError
from paperradar.store import now_iso

InterestOpt = Annotated[
    str | None, typer.Option("--interest", "-i", help="The profile this feedback teaches (default: the setting).")
]


def _known(radar: Radar, raw: str) -> str:
    try:
        return radar.paper_id(raw)
    except RadarError as e:
        fail(str(e), EXIT_BAD_INPUT)


def _feedback(ctx: typer.Context, ids: list[str], interest: str | None, value: str | None) -> None:
    with open_radar(ctx) as radar:
        try:
            pids = [radar.paper_id(i) for i in ids]  # every id checked before any is written
            done = [radar.feedback(pid, value, interest=interest) for pid in pids]
        except RadarError as e:
            fail(str(e), EXIT_BAD_INPUT)
        name = radar.interest(interest)
    verb = {"like": "liked", "dislike": "disliked", None: "cleared feedback on"}[value]
    console.print(f"{verb} {len(done)} paper(s) for '{name}'", highlight=False, markup=False)


@app.command()
def like(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(help="arXiv ids.")],
    interest: InterestOpt = None,
) -> None:
    """Mark papers as relevant to an interest; the profile learns from it."""
    _feedback(ctx, ids, interest, "like")


@app.command()
def dislike(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(help="arXiv ids.")],
    interest: InterestOpt = None,
) -> None:
    """Mark papers as not relevant to an interest; similar papers rank lower."""
    _feedback(ctx, ids, interest, "dislike")


@app.command()
def unlike(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(help="arXiv ids.")],
    interest: InterestOpt = None,
) -> None:
    """Remove a like or dislike."""
    _feedback(ctx, ids, interest, None)


_TAG = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")


@app.command()
def tag(
    ctx: typer.Context,
    paper: Annotated[str, typer.Argument(help="arXiv id.")],
    tags: Annotated[list[str], typer.Argument(help="One or more tags (letters, digits, - _ .).")],
) -> None:
    """Tag a paper (find tagged papers with `paperradar search --tag T`, export them with export)."""
    bad = [t for t in tags if not _TAG.match(t)]
    if bad:
        fail(f"invalid tag {bad[0]!r}: use 1-40 letters, digits, '-', '_' or '.'", EXIT_BAD_INPUT)
    with open_radar(ctx) as radar:
        pid = _known(radar, paper)
        for t in tags:
            radar.store.feedback.tag(pid, t, now_iso())
        console.print(f"{pid}: {', '.join(radar.store.feedback.tags(pid))}", highlight=False, markup=False)


@app.command()
def untag(
    ctx: typer.Context,
    paper: Annotated[str, typer.Argument(help="arXiv id.")],
    tags: Annotated[list[str], typer.Argument(help="Tags to remove.")],
) -> None:
    """Remove tags from a paper."""
    with open_radar(ctx) as radar:
        pid = _known(radar, paper)
        for t in tags:
            radar.store.feedback.untag(pid, t)
        tagged = ", ".join(radar.store.feedback.tags(pid)) or "(no tags)"
        console.print(f"{pid}: {tagged}", highlight=False, markup=False)


@app.command()
def profiles(
    ctx: typer.Context,
    show: Annotated[str | None, typer.Option("--show", help="Print one profile's TOML.")] = None,
    add: Annotated[Path | None, typer.Option("--add", help="Install a profile from a TOML file.")] = None,
    new: Annotated[
        str | None, typer.Option("--new", help="Make a profile NAME from your library (with --from).")
    ] = None,
    library: Annotated[
        list[Path] | None, typer.Option("--from", help="--new: a library export (BibTeX, RIS, CSV, CSL-JSON, ids...).")
    ] = None,
    description: Annotated[str | None, typer.Option("--description", help="--new: what the profile is about.")] = None,
    follow: Annotated[
        list[str] | None, typer.Option("--follow", help="--new: an author whose new papers always appear.")
    ] = None,
    complete: Annotated[
        bool, typer.Option("--complete/--no-complete", help="--new: fetch missing abstracts from the arXiv API.")
    ] = True,
    fmt: Annotated[
        str | None, typer.Option("--format", help="--new: read every --from file as this format (default: detect).")
    ] = None,
) -> None:
    """List interest profiles, show one, add your own, or make one from your library (--new NAME --from FILE)."""
    from paperradar.relevance import ProfileError, load_profile_file, profile_text, save_profile

    if new:
        from paperradar.cli.library import new_profile

        new_profile(ctx, new, library or [], description, follow or [], complete=complete, fmt=fmt)
        return
    try:
        if show:
            print(profile_text(show), end="")
            return
        if add:
            prof = load_profile_file(add)
            path = save_profile(prof.name, add.read_text(encoding="utf-8"))
            console.print(f"saved profile {prof.name} to {path}", highlight=False, markup=False)
            return
    except (ProfileError, OSError) as e:
        fail(str(e), EXIT_BAD_INPUT)
    with open_radar(ctx) as radar:
        table = new_table("profile", "description", "likes", "dislikes", "threshold")
        for name in radar.profiles():
            p = radar.profile(name)
            fb = radar.feedback_of(name)
            table.add_row(
                name,
                p.description,
                str(sum(v == "like" for v in fb.values())),
                str(sum(v == "dislike" for v in fb.values())),
                str(p.threshold),
            )
        console.print(table)
