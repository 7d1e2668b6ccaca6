"""`paperradar stats`: what the database holds."""

from __future__ import annotations

from typing import Annotated

import orjson
import typer

from paperradar.cli.app import app, console, new_table, open_radar, plain


@app.command()
def stats(
    ctx: typer.Context,
    quarantine: Annotated[bool, typer.Option("--quarantine", help="List the latest quarantined records.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")] = False,
) -> None:
    """Show paper counts, versions, date ranges, top categories and the quarantine."""
    with open_radar(ctx) as radar:
        store = radar.store
        s = store.papers.stats()
        s["database"] = str(store.path)
        if json_out:
            print(orjson.dumps(s).decode())
            return
        table = new_table(title=plain(f"paperradar — {store.path}"), show_header=False)
        for k in ("papers", "new", "updated", "withdrawn", "versions", "quarantined", "schema_version"):
            table.add_row(k, str(s[k]))
        table.add_row("published", " .. ".join(str(x) for x in s["published_range"]))
        table.add_row("announced", " .. ".join(str(x) for x in s["announced_range"]))
        table.add_row("top categories", plain(", ".join(f"{c} ({n})" for c, n in s["top_categories"])))
        console.print(table)
        if quarantine:
            q = new_table("source", "where", "reason", title="quarantine (latest first)")
            for row in store.papers.quarantined():
                q.add_row(plain(row["source"]), plain(row["locator"]), plain(row["reason"]))
            console.print(q)
