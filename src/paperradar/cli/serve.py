"""`paperradar serve` and account management: `paperradar users add|list`, `paperradar token`."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from paperradar.cli.app import EXIT_BAD_INPUT, app, console, err, fail, open_radar
from paperradar.config import SETTINGS
from paperradar.store import now_iso

users_app = typer.Typer(help="Manage web users (multi-user mode).", no_args_is_help=True)
app.add_typer(users_app, name="users")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Interface to bind; keep 127.0.0.1 unless behind a proxy.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    multi_user: Annotated[
        bool, typer.Option("--multi-user", help="Require log-in; per-user profiles and seen-sets.")
    ] = False,
    interest: Annotated[
        str | None,
        typer.Option("--interest", help="Default interest shown on the front page (default: the `interest` setting)."),
    ] = None,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            "--secure-cookies", help="Behind a TLS reverse proxy: mark cookies Secure and send HSTS (docs/security.md)."
        ),
    ] = False,
) -> None:
    """Run the web app: today's digest, past days, weekly reports, search, papers, feedback, profiles, API."""
    import uvicorn

    from paperradar.relevance import ProfileError
    from paperradar.web import create_app
    from paperradar.web.app import embed_backlog

    if host not in ("127.0.0.1", "localhost", "::1") and not multi_user:
        err.print(
            "warning: single-user mode on a non-loopback address lets anyone on the network use it; "
            "consider --multi-user",
            style="yellow",
        )
    with open_radar(ctx) as probe:
        changes: dict[str, object] = {"interest": interest} if interest else {}
        if probe.settings["web.base_url"] == SETTINGS["web.base_url"].default:
            changes["web.base_url"] = f"http://{host}:{port}"
        settings = probe.settings.replace(**changes)
        db = probe.db_path
        try:
            probe.profile(settings.interest)
        except ProfileError as e:
            fail(str(e), EXIT_BAD_INPUT)
    from paperradar.radar import Radar

    radar = Radar(db, settings)
    application = create_app(radar, multi_user=multi_user, secure_cookies=secure_cookies)
    embed_backlog(radar)
    console.print(
        f"paperradar on http://{host}:{port}/ (database {db}; {'multi-user' if multi_user else 'single-user'} mode)",
        highlight=False,
        markup=False,
    )
    # proxy_headers: behind a reverse proxy on this machine the client's address (log-in throttling) is read from
    # X-Forwarded-For; uvicorn trusts it only from 127.0.0.1 by default.
    uvicorn.run(application, host=host, port=port, log_level="warning", proxy_headers=True)


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name.")],
    password: Annotated[str | None, typer.Option("--password", help="Password (prompted when omitted).")] = None,
) -> None:
    """Create a web user for multi-user mode."""
    pw = password if password is not None else getpass.getpass(f"password for {name}: ")
    with open_radar(ctx) as radar:
        try:
            radar.store.accounts.add_user(name, pw, now_iso())
        except ValueError as e:
            fail(str(e), EXIT_BAD_INPUT)
    console.print(f"created user {name}")


@users_app.command("list")
def users_list(ctx: typer.Context) -> None:
    """List web users."""
    with open_radar(ctx) as radar:
        for u in radar.store.accounts.users():
            console.print(u.name, highlight=False)


@app.command()
def token(
    ctx: typer.Context,
    user: Annotated[str, typer.Option("--user", help="Whose token (default: the single-user mode's user).")] = "local",
    label: Annotated[str, typer.Option("--label", help="A note to recognise the token by.")] = "",
) -> None:
    """Create an API token for writes through /api (printed once; only its hash is stored)."""
    with open_radar(ctx) as radar:
        store = radar.store
        if user == "local":
            u = store.accounts.local_user(now_iso())
        else:
            u = next((x for x in store.accounts.users() if x.name == user), None)  # type: ignore[assignment]
            if u is None:
                fail(f"no user {user!r}; create it with `paperradar users add {user}`", EXIT_BAD_INPUT)
        print(store.accounts.new_api_token(u, label, now_iso()))
