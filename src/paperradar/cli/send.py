"""`paperradar send`: e-mail the digests that are due, one message per subscriber, never twice."""

from __future__ import annotations

from typing import Annotated

import typer

from paperradar.cli.app import EXIT_BAD_INPUT, EXIT_FAILURE, app, console, fail, open_radar


@app.command()
def send(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="The digest day (default: today).")] = None,
    week: Annotated[str | None, typer.Option("--week", help="The report week (default: last week).")] = None,
) -> None:
    """Send due digests: today's to daily subscribers, last week's report to weekly ones. A failed delivery
    (or a report that fails its grounding check) stays queued for the next run; nobody gets the same period
    twice."""
    from paperradar.deliver.email import DeliveryError
    from paperradar.relevance import ProfileError

    with open_radar(ctx) as radar:
        try:
            deliveries = radar.send(day=day, week=week)
        except DeliveryError as e:
            fail(str(e), EXIT_BAD_INPUT)
        except (ProfileError, ValueError) as e:
            fail(str(e), EXIT_BAD_INPUT)
    failed = 0
    for d in deliveries:
        rep = d.report
        console.print(
            f"{d.frequency} {d.period}: {len(rep.sent)} sent, {len(rep.empty)} with nothing to send, "
            f"{len(rep.failed)} failed",
            highlight=False,
        )
        for email, error in rep.failed:
            console.print(f"  {email}: {error}", style="red", highlight=False, markup=False, soft_wrap=True)
        failed += len(rep.failed)
    if failed:
        raise typer.Exit(EXIT_FAILURE)
