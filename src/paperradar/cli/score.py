"""`paperradar score`: rank stored papers for an interest profile, with calibrated scores and reasons."""

from __future__ import annotations

from typing import Annotated

import orjson
import typer

from paperradar.cli.app import EXIT_BAD_INPUT, app, console, fail, new_table, open_radar, plain, progress


@app.command()
def score(
    ctx: typer.Context,
    interest: Annotated[
        str | None, typer.Option("--interest", "-i", help="Profile name or TOML file (default: the setting).")
    ] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON object per paper: id, score, relevant, ...")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Rows in the table (all with --jsonl).")] = 20,
    only_relevant: Annotated[bool, typer.Option("--relevant", help="Only papers above the threshold.")] = False,
) -> None:
    """Score every paper in the database for an interest: score in [0, 1], relevant or not, and why."""
    from paperradar.embed import EmbedderError
    from paperradar.relevance import ProfileError, load_profile_arg

    with open_radar(ctx) as radar, progress() as bar:
        try:  # a file the local user names is theirs to load; the web app selects profiles by name only
            profile = load_profile_arg(radar.interest(interest))
        except ProfileError as e:
            fail(str(e), EXIT_BAD_INPUT)
        task = bar.add_task("embedding new papers", total=None)
        try:
            scored = radar.score(profile, progress=lambda done, total: bar.update(task, completed=done, total=total))
        except EmbedderError as e:
            fail(str(e))
    if only_relevant:
        scored = [s for s in scored if s.relevant]
    if jsonl:
        for s in scored:
            print(orjson.dumps(s.as_dict()).decode())
        return
    n_rel = sum(s.relevant for s in scored)
    table = new_table(
        "#",
        "score",
        "id",
        "title",
        "why",
        title=f"{profile.name}: {n_rel} of {len(scored)} relevant (threshold {profile.threshold})",
    )
    for n, s in enumerate(scored[:limit], 1):
        table.add_row(
            str(n), f"{s.score:.2f}{' ✓' if s.relevant else ''}", plain(s.id), plain(s.title), plain(s.explanation)
        )
    console.print(table)
