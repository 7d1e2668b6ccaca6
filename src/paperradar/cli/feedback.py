"""`paperradar like / dislike / unlike / tag / untag / profiles`: teach a profile and organize papers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from paperradar.cli.app import EXIT_BAD_INPUT, app, console, fail, open_store
from paperradar.models import normalize_arxiv_id
from paperradar.relevance import (
    ProfileError,
    list_profiles,
    load_profile,
    load_profile_file,
    profile_text,
    save_profile,
)
from paperradar.store import Store, now_iso

InterestOpt = Annotated[str, typer.Option("--interest", "-i", help="The profile this feedback teaches.")]


def _known(store: Store, raw: str) -> str:
    pid = normalize_arxiv_id(raw) or raw
    if store.papers.status(pid) is None:
        fail(f"no paper {raw!r} in the database (ingest or fetch it first)", EXIT_BAD_INPUT)
    return pid


def _feedback(ctx: typer.Context, ids: list[str], interest: str, value: str | None) -> None:
    try:
        load_profile(interest)
    except ProfileError as e:
        fail(str(e), EXIT_BAD_INPUT)
    with open_store(ctx) as store:
        pids = [_known(store, i) for i in ids]
        for pid in pids:
            store.feedback.set(interest, pid, value, now_iso())
    verb = {"like": "liked", "dislike": "disliked", None: "cleared feedback on"}[value]
    console.print(f"{verb} {len(pids)} paper(s) for '{interest}'", highlight=False)


@app.command()
def like(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(help="arXiv ids.")],
    interest: InterestOpt = "efficiency",
) -> None:
    """Mark papers as relevant to an interest; the profile learns from it."""
    _feedback(ctx, ids, interest, "like")


@app.command()
def dislike(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(help="arXiv ids.")],
    interest: InterestOpt = "efficiency",
) -> None:
    """Mark papers as not relevant to an interest; similar papers rank lower."""
    _feedback(ctx, ids, interest, "dislike")


@app.command()
def unlike(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(help="arXiv ids.")],
    interest: InterestOpt = "efficiency",
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
    with open_store(ctx) as store:
        pid = _known(store, paper)
        for t in tags:
            store.feedback.tag(pid, t, now_iso())
        console.print(f"{pid}: {', '.join(store.feedback.tags(pid))}", highlight=False)


@app.command()
def untag(
    ctx: typer.Context,
    paper: Annotated[str, typer.Argument(help="arXiv id.")],
    tags: Annotated[list[str], typer.Argument(help="Tags to remove.")],
) -> None:
    """Remove tags from a paper."""
    with open_store(ctx) as store:
        pid = _known(store, paper)
        for t in tags:
            store.feedback.untag(pid, t)
        console.print(f"{pid}: {', '.join(store.feedback.tags(pid)) or '(no tags)'}", highlight=False)


@app.command()
def profiles(
    ctx: typer.Context,
    show: Annotated[str | None, typer.Option("--show", help="Print one profile's TOML.")] = None,
    add: Annotated[Path | None, typer.Option("--add", help="Install a profile from a TOML file.")] = None,
) -> None:
    """List interest profiles, show one, or add your own (saved under the data directory)."""
    try:
        if show:
            print(profile_text(show), end="")
            return
        if add:
            prof = load_profile_file(add)
            path = save_profile(prof.name, add.read_text(encoding="utf-8"))
            console.print(f"saved profile {prof.name} to {path}", highlight=False)
            return
    except (ProfileError, OSError) as e:
        fail(str(e), EXIT_BAD_INPUT)
    with open_store(ctx) as store:
        table = Table("profile", "description", "likes", "dislikes", "threshold")
        for name in list_profiles():
            p = load_profile(name)
            fb = store.feedback.of_profile(name)
            table.add_row(
                name,
                p.description,
                str(sum(v == "like" for v in fb.values())),
                str(sum(v == "dislike" for v in fb.values())),
                str(p.threshold),
            )
        console.print(table)
