"""`desk init`, `desk demo`: the database itself."""

from __future__ import annotations

from typing import Annotated

import typer

from deskcli.cli._context import state
from deskcli.cli._options import JsonOpt


def init(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Create or upgrade the database and say where it is."""
    from deskcli import render, store

    db = state(ctx).database()
    where = str(db.path) if db.path is not None else _safe_url(db.url)
    if as_json:
        render.emit_json({"database": where, "schema": store.SCHEMA_HEAD, "created": db.created})
    else:
        verb = "Created" if db.created else "Using"
        render.say(f"{verb} database {where} (schema {store.SCHEMA_HEAD}).")


def _safe_url(url: str) -> str:
    """A server URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def demo(
    ctx: typer.Context,
    fresh: Annotated[bool, typer.Option("--fresh", help="Start the demo database over.")] = False,
) -> None:
    """Create a demo database with a few dozen realistic cases and show the board.

    The demo lives in its own file (demo.db in the desk data directory) unless
    --db, DESK_DB or DESK_DB_URL names another; your real database is not touched.
    """
    from deskcli import render
    from deskcli.cli.case import board
    from deskcli.errors import Conflict
    from deskcli.services import demo as demo_data
    from deskcli.store import default_path

    st = state(ctx)
    if st.db_path is None and st.db_url is None:
        path = default_path().with_name("demo.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        st.db_path = str(path)
    elif fresh:
        raise Conflict("--fresh only applies to the default demo file; remove your file yourself")
    with st.writing() as session:
        created = demo_data.seed_demo(session) if demo_data.is_empty(session) else 0
    if created:
        render.say(f"Demo database with {created} cases: {st.db_path or st.db_url}")
    else:
        render.say(f"Demo database (already filled): {st.db_path or st.db_url}")
    render.say(f"Try: DESK_DB={st.db_path} desk case list" if st.db_path else "Try: desk case list")
    board(ctx)
