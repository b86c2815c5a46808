"""Click's exception classes, from the one place that may reach them.

Typer (0.29+) vendors Click as its private package `typer._click` and
re-exports only some of it (`typer.BadParameter`, `typer.Abort`, ...), not the
classes desk needs to map every parse failure to one line and an exit code:
ClickException, UsageError and NoArgsIsHelpError.  There is no public way to
name them, so this adapter is the only module that imports Typer's private
package; if Typer renames it, only this file changes.
"""

from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

__all__ = ["ClickException", "NoArgsIsHelpError", "UsageError"]
