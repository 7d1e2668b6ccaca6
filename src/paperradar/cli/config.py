"""`paperradar config`: every setting, its value and where it can be set."""

from __future__ import annotations

from typing import Annotated

import orjson
import typer

from paperradar import config as settings
from paperradar.cli.app import EXIT_BAD_INPUT, app, console, fail, new_table
from paperradar.store import data_dir, default_db_path


@app.command("config")
def show_config(
    json_out: Annotated[bool, typer.Option("--json", help="Print the resolved settings as JSON.")] = False,
) -> None:
    """List every setting with its current value, environment variable and meaning."""
    try:
        values = settings.load()
    except settings.ConfigError as e:
        fail(str(e), EXIT_BAD_INPUT)
    if json_out:
        print(orjson.dumps(values).decode())
        return
    console.print(
        f"data directory: {data_dir()}\ndatabase: {default_db_path()}\nconfig file: {settings.config_path()}",
        highlight=False,
    )
    table = new_table("setting", "value", "env var", "meaning")
    for name, s in settings.SETTINGS.items():
        shown = "****" if name.endswith(("key", "password")) and values[name] else str(values[name])
        table.add_row(name, shown, s.env, s.help)
    console.print(table)
