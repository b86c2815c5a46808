"""`desk init`, `desk demo`: the database itself."""

from __future__ import annotations

from typing import Annotated

import typer

from deskcli.cli._context import state
from deskcli.cli._options import JsonOpt
from deskcli.lang import N_, _


def init(
    ctx: typer.Context,
    shared: Annotated[
        bool, typer.Option("--shared", help="Let the file's group read and write it (0660).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create or upgrade the database and say where it is.

    A new file is readable by its owner only (0600); --shared makes it 0660 so
    a team sharing a Unix group can use it.
    """
    from deskcli import render, store
    from deskcli.shapes import InitRecord

    st = state(ctx)
    if shared:
        st.shared = True
    db = st.database()
    where = str(db.path) if db.path is not None else store.safe_url(db.url)
    if as_json:
        record = InitRecord(database=where, schema=store.SCHEMA_HEAD, created=db.created)
        render.emit_json(record)
    else:
        if db.created:
            said = _("Created database {where} (schema {schema}).")
        else:
            said = _("Using database {where} (schema {schema}).")
        render.say(said.format(where=where, schema=store.SCHEMA_HEAD))


def demo(
    ctx: typer.Context,
    fresh: Annotated[bool, typer.Option("--fresh", help="Start the demo database over.")] = False,
) -> None:
    """Create a demo database with a few dozen realistic cases and show the board.

    The demo lives in its own file (demo.db in the desk data directory) unless
    --db, DESK_DB or DESK_DB_URL names another; your real database is not touched.
    """
    import shlex

    from deskcli import render
    from deskcli.cli.case import board
    from deskcli.errors import Conflict
    from deskcli.location import default_path
    from deskcli.services import demo as demo_data

    st = state(ctx)
    if st.db_path is None and st.db_url is None:
        path = default_path().with_name("demo.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        st.db_path = str(path)
    elif fresh:
        raise Conflict(
            N_("--fresh only applies to the default demo file; remove your file yourself")
        )
    where = st.db_path or st.db_url
    with st.writing() as tx:
        created = demo_data.seed_demo(tx) if demo_data.is_empty(tx) else 0
    if created:
        said = _("Demo database with {count} cases: {where}").format(count=created, where=where)
    else:
        said = _("Demo database (already filled): {where}").format(where=where)
    render.say(said)
    # Quoted for the shell: the path may hold spaces, '#', '?' or '%'.
    try_db = f"DESK_DB={shlex.quote(st.db_path)} " if st.db_path else ""
    program, activate = _how_to_run_desk()
    render.say(_("Try: {command}").format(command=f"{try_db}{shlex.quote(program)} case list"))
    if activate is not None:
        render.say(
            _("(or `{command}` to put desk on your PATH)").format(
                command=f". {shlex.quote(activate)}"
            )
        )
    board(ctx)


def _how_to_run_desk() -> tuple[str, str | None]:
    """How to type `desk` in this shell: plain `desk` when it is on PATH, else
    this install's own (`.venv/bin/desk` after `make demo`) and its activate
    script, relative to the current directory when it is below it."""
    import os
    import shutil
    import sys
    from pathlib import Path

    bin_dir = Path(sys.executable).parent
    if shutil.which("desk") is not None or not (bin_dir / "desk").exists():
        return "desk", None
    shown = os.path.relpath(bin_dir) if bin_dir.is_relative_to(Path.cwd()) else str(bin_dir)
    activate = Path(shown, "activate")
    return str(Path(shown, "desk")), str(activate) if (bin_dir / "activate").exists() else None


def doctor(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Check the database: schema, journal mode, integrity, permissions, filesystem.

    Exits 5 when the integrity check fails; warnings alone exit 0.
    """
    from deskcli import render
    from deskcli.errors import StorageError
    from deskcli.services.maintenance import doctor as check

    report = check(state(ctx).database())
    if as_json:
        render.emit_json(report.record())
    else:
        render.doctor(report)
    if report.problems:
        problem = report.problems[0]
        template = getattr(problem, "template", problem)
        raise StorageError(
            template,
            params=getattr(problem, "params", None),
            hint=N_("restore from a backup (desk backup)"),
        )


def backup(
    ctx: typer.Context,
    destination: Annotated[str, typer.Argument(metavar="FILE", help="Where to write the copy.")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Copy the database to FILE, safely, even while others are writing.

    \b
    Example: desk backup ~/backups/desk-$(date +%F).db
    """
    from pathlib import Path

    from deskcli import render
    from deskcli.services.maintenance import backup as copy
    from deskcli.shapes import BackupRecord

    db = state(ctx).database()
    size = copy(db, Path(destination), overwrite=force)
    if as_json:
        render.emit_json(BackupRecord(database=str(db.path), backup=destination, size_bytes=size))
    else:
        render.say(
            _("Backed up {database} to {file} ({size} bytes).").format(
                database=db.path, file=destination, size=f"{size:,}"
            )
        )
