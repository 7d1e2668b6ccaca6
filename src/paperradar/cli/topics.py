"""`paperradar topics`: group papers into named topics, tracked across periods."""

from __future__ import annotations

from typing import Annotated

import orjson
import typer

from paperradar.cli.app import app, console, new_table, open_radar, plain, progress


@app.command()
def topics(
    ctx: typer.Context,
    date_from: Annotated[str | None, typer.Option("--from", help="Papers dated on/after YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Papers dated on/before YYYY-MM-DD.")] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help='One {"id", "topic", "label"} object per paper.')] = False,
) -> None:
    """Group the period's papers (all papers without dates) into named topics."""
    with open_radar(ctx) as radar, progress() as bar:
        task = bar.add_task("embedding new papers", total=None)
        model = radar.topics(
            date_from, date_to, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    if jsonl:
        for pid, tid in model.assignment.items():
            print(orjson.dumps({"id": pid, "topic": tid, "label": model.label_of(tid)}).decode())
        return
    table = new_table("topic", "papers", "label", "keyphrases", title=f"{len(model.topics)} topics")
    for t in model.topics:
        table.add_row(t.id, str(len(t.paper_ids)), plain(t.label), plain(", ".join(t.keyphrases)))
    other = sum(1 for v in model.assignment.values() if v == "other")
    if other:
        table.add_row("other", str(other), "Other", "")
    console.print(table)
