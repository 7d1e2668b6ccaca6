"""`paperradar embed`: embed every paper that has no vector yet, with a progress bar and an ETA; resumable."""

from __future__ import annotations

from typing import Annotated

import typer

from paperradar.cli.app import EXIT_FAILURE, app, console, err, fail, open_radar


@app.command("embed")
def embed_cmd(
    ctx: typer.Context,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Papers per saved batch.")] = 256,
) -> None:
    """Embed the papers search by meaning does not cover yet. Each batch is saved as it is done, so after
    Ctrl-C or a kill the next run goes on where this one stopped."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from paperradar.embed import EmbedderError

    with open_radar(ctx) as radar:
        try:
            embedder = radar.embedder
        except EmbedderError as e:
            fail(str(e))
        before = radar.coverage()
        if not before.missing:
            console.print(f"all {before.total:,} papers are embedded ({embedder.name})", highlight=False)
            return
        bar = Progress(
            TextColumn("embedding"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=err,
        )
        done = 0
        try:
            with bar:
                task = bar.add_task("embedding", total=before.missing)

                def advance(n: int, total: int) -> None:
                    nonlocal done
                    done = n
                    bar.update(task, completed=n, total=total)

                radar.embed(progress=advance, batch=batch)
        except KeyboardInterrupt:
            after = radar.coverage()
            err.print(
                f"interrupted: {after.embedded:,} of {after.total:,} papers embedded (saved); "
                "run `paperradar embed` again to go on",
                highlight=False,
            )
            raise typer.Exit(EXIT_FAILURE) from None
        except EmbedderError as e:
            fail(str(e))
        after = radar.coverage()
        console.print(f"embedded {done:,} papers; {after.embedded:,} of {after.total:,} covered", highlight=False)
