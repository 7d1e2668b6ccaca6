"""`paperradar send`: e-mail the digests that are due, one message per subscriber, never twice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import typer

from paperradar import config
from paperradar.cli.app import EXIT_BAD_INPUT, EXIT_FAILURE, app, console, fail, open_store
from paperradar.deliver.email import DeliveryError, Rendered, SmtpDeliverer, SmtpSettings, send_due
from paperradar.relevance import ProfileError
from paperradar.render import render
from paperradar.reports import build_digest, build_report, mark_shown, verify, week_of, week_range
from paperradar.store import Store, Subscription


def _daily(store: Store, day: str) -> object:
    def make(sub: Subscription) -> Rendered | None:
        d = build_digest(store, day, sub.interest, reader=sub.reader, mark=False)
        if not d.items:
            return None
        return Rendered(
            f"paperradar — {sub.interest}, {day}: {len(d.items)} papers",
            render(d, "markdown"),
            render(d, "html"),
            len(d.items),
            on_sent=lambda: mark_shown(store, d),
        )

    return make


def _weekly(store: Store, week: str) -> object:
    def make(sub: Subscription) -> Rendered | None:
        r = build_report(store, *week_range(week), sub.interest, period=week)
        md = render(r, "markdown")
        if not r.relevant_papers or verify(r, md):
            return None
        return Rendered(f"paperradar — {sub.interest}, week {week}", md, render(r, "html"), r.relevant_papers)

    return make


@app.command()
def send(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="The digest day (default: today).")] = None,
    week: Annotated[str | None, typer.Option("--week", help="The report week (default: last week).")] = None,
) -> None:
    """Send due digests: today's to daily subscribers, last week's report to weekly ones. A failed delivery
    stays queued for the next run; nobody gets the same period twice."""
    settings = config.load()
    try:
        smtp = SmtpDeliverer(SmtpSettings.from_config())
    except DeliveryError as e:
        fail(str(e), EXIT_BAD_INPUT)
    day = day or date.today().isoformat()
    week = week or week_of((date.fromisoformat(day) - timedelta(days=7)).isoformat())
    failed = 0
    with open_store(ctx) as store:
        try:
            for frequency, period, maker in (
                ("daily", day, _daily(store, day)),
                ("weekly", week, _weekly(store, week)),
            ):
                rep = send_due(
                    store,
                    frequency,
                    period,
                    maker,
                    smtp,
                    sender=settings["smtp.sender"],  # type: ignore[arg-type]
                    base_url=settings["web.base_url"],
                )
                console.print(
                    f"{frequency} {period}: {len(rep.sent)} sent, {len(rep.empty)} with nothing to send, "
                    f"{len(rep.failed)} failed",
                    highlight=False,
                )
                for email, error in rep.failed:
                    console.print(f"  {email}: {error}", style="red", highlight=False)
                failed += len(rep.failed)
        except ProfileError as e:
            fail(str(e), EXIT_BAD_INPUT)
    if failed:
        raise typer.Exit(EXIT_FAILURE)
