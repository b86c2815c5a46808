"""One `desk` process doing many writes in a row (run by test_processes.py).

Usage: python -m tests.concurrent_writer AGENT N
Runs N mixed `desk` commands in this process, each through the real command
line (its own engine and transaction, as separate `desk` runs would), and
prints one JSON line per command: {"args": [...], "exit": code}.
"""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout

from typer.main import get_command

from deskcli.cli import app


def main() -> None:
    agent, count = sys.argv[1], int(sys.argv[2])
    command = get_command(app)
    for i in range(count):
        target = str(1 + i % 3)  # three shared cases
        plan = [
            ["case", "note", target, f"{agent} note {i}"],
            ["case", "reply", target, f"{agent} reply {i}"],
            ["case", "open", "-c", "C-1", "--subject", f"{agent} case {i}"],
            ["case", "take", "4"],  # only one agent may win this one
            ["case", "note", target, f"{agent} note {i}"],
        ]
        args = ["--as", agent, *plan[i % len(plan)]]
        err = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            code = command.main(args=args, prog_name="desk", standalone_mode=False)
        print(json.dumps({"args": args, "exit": code, "stderr": err.getvalue()}), flush=True)


if __name__ == "__main__":
    main()
