"""`desk export`, `desk import`: the whole desk as JSON Lines (and CSV).

Thin: parse, call services.export / services.importer, render.  The formats and the import
policy are described there and in the commands' help.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from deskcli.cli._context import require_stdin, state
from deskcli.cli._options import JsonOpt
from deskcli.errors import InvalidValue, StorageError
from deskcli.lang import N_, _, n_


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


def export(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="jsonl (for desk import) or csv (for spreadsheets)."),
    ] = ExportFormat.JSONL,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            metavar="PATH",
            help="jsonl: a file (default: stdout).  csv: a directory (required).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Export customers, cases, events, service levels and the knowledge base (JSON Lines or CSV).

    One consistent snapshot, streamed.  JSON Lines: one object a line with a
    "type": customers, then cases, events, articles (with their tags),
    revisions, uses (an article used on a case), searches (the search log),
    calendars (all but the built-in always), policies, clocks (each case
    clock as it stands), QA reviews and handling-time targets, each by id,
    with every column; cases name their customer by customer_crn; times are
    ISO 8601 in UTC with the offset, to the microsecond when stored so.
    The search index is not exported: import rebuilds it.  desk import
    reads it back.

    CSV writes one file per type (customers.csv, cases.csv, events.csv,
    articles.csv, revisions.csv, uses.csv, searches.csv, calendars.csv,
    policies.csv, clocks.csv, reviews.csv, targets.csv) into the --out
    directory (created if missing), same fields, a header row; cells that a
    spreadsheet would run as a formula (starting with = + - @, tab or CR) get
    a leading '.  CSV is for reading, not for desk import.

    Files are written whole or not at all, readable by their owner only.
    With --out, --json prints the counts instead of a sentence.

    \b
    Usage:
      desk export > desk.jsonl                 JSON Lines on stdout
      desk export --out desk.jsonl             JSON Lines into a file
      desk export --format csv --out DIR       DIR/customers.csv, DIR/cases.csv, ...
    """
    from deskcli import render
    from deskcli.services import export as exporting

    to_stdout = out is None or out == "-"
    if fmt is ExportFormat.CSV and to_stdout:
        raise InvalidValue(
            N_("--format csv needs --out DIR"),
            hint=N_("it writes customers.csv, cases.csv and events.csv into DIR"),
        )
    if as_json and to_stdout:
        raise InvalidValue(N_("--json needs --out: stdout carries the export itself"))
    st = state(ctx)
    with st.store_reading() as session:
        if to_stdout:
            _to_stdout(lambda write: exporting.write_jsonl(session, write))
        elif fmt is ExportFormat.CSV:
            counts = exporting.export_csv(session, Path(out or "").expanduser())
        else:
            path = Path(out or "").expanduser()
            counts = exporting.export_jsonl_file(session, path, st.database().path)
    if to_stdout:
        return
    if as_json:
        render.emit_json({"format": str(fmt), "out": out} | vars(counts))
    else:
        render.say(_("Exported {counts} to {out}.").format(counts=_counted(vars(counts)), out=out))


# What an export or import counts, as words: customers, cases and events
# always; clocks, the knowledge base's records and the service-level
# settings when there are any.
_COUNTED = (
    ("customers", N_("{count} customer"), N_("{count} customers"), True),
    ("cases", N_("{count} case"), N_("{count} cases"), True),
    ("events", N_("{count} event"), N_("{count} events"), True),
    ("articles", N_("{count} article"), N_("{count} articles"), False),
    ("revisions", N_("{count} revision"), N_("{count} revisions"), False),
    ("uses", N_("{count} use"), N_("{count} uses"), False),
    ("searches", N_("{count} search"), N_("{count} searches"), False),
    ("calendars", N_("{count} calendar"), N_("{count} calendars"), False),
    ("policies", N_("{count} policy"), N_("{count} policies"), False),
    ("clocks", N_("{count} clock"), N_("{count} clocks"), False),
    ("reviews", N_("{count} review"), N_("{count} reviews"), False),
    ("targets", N_("{count} target"), N_("{count} targets"), False),
)


def _counted(counts: dict[str, int]) -> str:
    """'3 customers, 3 cases and 14 events' (with '2 articles, ...' when any)."""
    parts = [n_(one, many, counts[key]).format(count=counts[key])
             for key, one, many, always in _COUNTED
             if always or counts[key]]  # fmt: skip
    return _("{items} and {last}").format(items=", ".join(parts[:-1]), last=parts[-1])


def _to_stdout(export: Callable[[Callable[[bytes], object]], object]) -> None:
    """Run `export` into stdout; a write error (a full disk) is exit 5."""
    try:
        export(_stdout_writer())
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            buffer.flush()
    except BrokenPipeError:
        raise  # the reader went away: handled (quietly) by the command line
    except OSError as exc:
        _silence_stdout()
        raise StorageError(
            N_("cannot write the export to stdout: {reason}"),
            params={"reason": exc.strerror or exc},
        ) from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the final flush at exit (of what the full
    disk refused) cannot fail again with a second message."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (tests, an embedding caller)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _stdout_writer() -> Callable[[bytes], object]:
    """Bytes to stdout: its binary buffer when it has one (always UTF-8)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        write: Callable[[bytes], object] = buffer.write
        return write
    return lambda data: sys.stdout.write(data.decode())


def import_(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="A desk export in JSON Lines; '-' reads stdin.")
    ],
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Report bad lines and import the good ones."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import a desk export (JSON Lines), all or nothing.

    Safe to repeat.

    Every line is validated; each bad one is reported on stderr as
    `line N: ...` and nothing is imported (exit 2), unless --skip-invalid.
    Customers are matched by CRN, uses by case and article, the rest by id:
    a record already there and identical is skipped, so importing a file
    twice changes nothing.  One already there that differs is refused (exit
    4, naming the first such record) and nothing is imported: an import only
    adds, never changes a record; events, revisions and searches are
    append-only.  A case must come after its customer, an event after its
    case, an article after the case it came from, a revision after its
    article, a use after its case and article (or be in the database
    already), as desk export writes them.  Articles are searchable at once:
    their search index is rebuilt as they are imported.

    Service levels: calendars match by name, policies by priority; a policy
    still at the desk's default is replaced by the file's.  A policy after
    its calendar, a clock after its case and calendar.  Clocks and case due
    times are imported as they are: nothing is recomputed.  Cases from an
    export older than the clocks (it has none) get the clocks their events
    give under this desk's policies, and the import says how many.

    --json prints {"customers": n, "cases": n, "events": n, "articles": n,
    "revisions": n, "uses": n, "searches": n, "calendars": n, "policies": n,
    "clocks": n, "reviews": n, "targets": n, "skipped": n, "invalid": n,
    "replayed": n}: records added (policies: set), records already there, bad
    lines, cases whose clocks were replayed from their events.

    \b
    Usage:
      desk import desk.jsonl
      desk export --db old.db | desk import - --db new.db
    """
    from deskcli import render
    from deskcli.services import importer

    if file == "-":
        require_stdin("desk import -")
    if file == "-" and sys.stdin.isatty():
        raise InvalidValue(
            N_("desk import - reads an export from stdin"), hint=N_("desk import - < FILE")
        )
    stdin = getattr(sys.stdin, "buffer", None) or (line.encode() for line in sys.stdin)
    with importer.open_source(file, stdin) as (lines, total):
        with state(ctx).store_writing() as session, render.progress(total, _("Importing")) as tick:
            summary = importer.import_jsonl(
                session,
                lines,
                skip_invalid=skip_invalid,
                report=lambda number, message: render.note(
                    _("line {number}: {message}").format(number=number, message=_shown(message))
                ),
                progress=tick,
                total=total,
            )
    if as_json:
        render.emit_json(summary.record())
    else:
        invalid = n_("{count} invalid line", "{count} invalid lines", summary.invalid)
        invalid = invalid.format(count=summary.invalid)
        skipped = _("; {invalid} skipped").format(invalid=invalid) if summary.invalid else ""
        render.say(
            _("Imported {counts}; {skipped} already present{invalid}.").format(
                counts=_counted(summary.record()), skipped=summary.skipped, invalid=skipped
            )
        )
        if summary.replayed:
            cases = n_("{count} case", "{count} cases", summary.replayed).format(
                count=summary.replayed
            )
            render.say(
                _("{cases} from an export without clocks got them from their events.").format(
                    cases=cases
                )
            )


def _shown(message: str) -> str:
    """A bad line's message in the reader's language when the importer built
    it as a deskcli.said.Said."""
    shown = getattr(message, "shown", None)
    return shown() if callable(shown) else message
