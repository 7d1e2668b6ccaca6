"""`paperradar serve` and account management: `paperradar users add|list`, `paperradar token`."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from paperradar import config
from paperradar.cli.app import EXIT_BAD_INPUT, app, console, err, fail, open_store
from paperradar.store import default_db_path, now_iso

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
        str, typer.Option("--interest", help="Default interest shown on the front page.")
    ] = "efficiency",
    secure_cookies: Annotated[
        bool,
        typer.Option(
            "--secure-cookies", help="Behind a TLS reverse proxy: mark cookies Secure and send HSTS (docs/security.md)."
        ),
    ] = False,
) -> None:
    """Run the web app: today's digest, past days, weekly reports, search, papers, feedback, profiles, API."""
    import uvicorn

    from paperradar.web import Settings, create_app
    from paperradar.web.app import embed_backlog

    db = ctx.obj.db or default_db_path()
    if host not in ("127.0.0.1", "localhost", "::1") and not multi_user:
        err.print(
            "warning: single-user mode on a non-loopback address lets anyone on the network use it; "
            "consider --multi-user",
            style="yellow",
        )
    base = config.get("web.base_url")
    if base == config.SETTINGS["web.base_url"].default:
        base = f"http://{host}:{port}"
    application = create_app(
        Settings(db=db, multi_user=multi_user, interest=interest, base_url=base, secure_cookies=secure_cookies)
    )
    embed_backlog(db)
    console.print(
        f"paperradar on http://{host}:{port}/ (database {db}; {'multi-user' if multi_user else 'single-user'} mode)",
        highlight=False,
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
    with open_store(ctx) as store:
        try:
            store.accounts.add_user(name, pw, now_iso())
        except ValueError as e:
            fail(str(e), EXIT_BAD_INPUT)
    console.print(f"created user {name}")


@users_app.command("list")
def users_list(ctx: typer.Context) -> None:
    """List web users."""
    with open_store(ctx) as store:
        for u in store.accounts.users():
            console.print(u.name, highlight=False)


@app.command()
def token(
    ctx: typer.Context,
    user: Annotated[str, typer.Option("--user", help="Whose token (default: the single-user mode's user).")] = "local",
    label: Annotated[str, typer.Option("--label", help="A note to recognise the token by.")] = "",
) -> None:
    """Create an API token for writes through /api (printed once; only its hash is stored)."""
    with open_store(ctx) as store:
        if user == "local":
            u = store.accounts.local_user(now_iso())
        else:
            u = next((x for x in store.accounts.users() if x.name == user), None)  # type: ignore[assignment]
            if u is None:
                fail(f"no user {user!r}; create it with `paperradar users add {user}`", EXIT_BAD_INPUT)
        print(store.accounts.new_api_token(u, label, now_iso()))
