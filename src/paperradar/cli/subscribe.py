"""`paperradar subscribe / unsubscribe / subscriptions`: who receives which digest by e-mail."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from paperradar.cli.app import EXIT_BAD_INPUT, app, console, fail, new_table, open_radar, plain
from paperradar.store import now_iso

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


@app.command()
def subscribe(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The subscriber's e-mail address.")],
    interest: Annotated[
        str | None, typer.Option("--interest", help="Interest profile of the digest (default: the setting).")
    ] = None,
    daily: Annotated[bool, typer.Option("--daily", help="Send the daily digest (default).")] = False,
    weekly: Annotated[bool, typer.Option("--weekly", help="Send the weekly report.")] = False,
    reader: Annotated[
        str | None, typer.Option("--reader", help="Reader whose seen-set is used (default: the address).")
    ] = None,
) -> None:
    """Subscribe an address to an interest's daily digest or weekly report (sent by `paperradar send`)."""
    from paperradar.relevance import ProfileError

    if not _EMAIL.match(email):
        fail(f"not an e-mail address: {email!r}", EXIT_BAD_INPUT)
    if daily and weekly:
        fail("choose one of --daily and --weekly (subscribe twice for both)", EXIT_BAD_INPUT)
    frequency = "weekly" if weekly else "daily"
    with open_radar(ctx) as radar:
        try:
            name = radar.profile(interest).name
        except ProfileError as e:
            fail(str(e), EXIT_BAD_INPUT)
        sub = radar.store.delivery.subscribe(email, name, frequency, now_iso(), reader=reader)
    console.print(f"subscribed {sub.email} to the {frequency} '{name}' digest", highlight=False, markup=False)


@app.command()
def unsubscribe(
    ctx: typer.Context,
    email_or_token: Annotated[str, typer.Argument(help="An address (all its subscriptions) or an unsubscribe token.")],
) -> None:
    """Stop sending digests to an address (or to the subscription with this token)."""
    with open_radar(ctx) as radar:
        n = radar.store.delivery.unsubscribe(email_or_token)
    if not n:
        fail(f"no active subscription for {email_or_token!r}", EXIT_BAD_INPUT)
    console.print(f"unsubscribed {n} subscription(s)")


@app.command()
def subscriptions(ctx: typer.Context) -> None:
    """List active e-mail subscriptions."""
    with open_radar(ctx) as radar:
        table = new_table("email", "interest", "frequency", "reader")
        for s in radar.store.delivery.all():
            table.add_row(plain(s.email), plain(s.interest), s.frequency, plain(s.reader))
        console.print(table)
