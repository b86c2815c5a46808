"""The language people read: which one, and the translation of a message.

Standard library only (gettext), so `desk --help` stays fast.  Everything a
person reads goes through `_()` where it is shown, not where it is defined:
help texts, table headers and messages are English literals in the source,
marked with `N_()` (or, for help texts and docstrings, found by walking the
command tree: see deskcli/catalogs.py), and translated at display time into
the language of this command line.  So a command module may be imported in
any language (lazily, in tests, in `desk batch`), and JSON keeps English.

How to make a new command speak every catalog's language:
- its docstring and every `help=` of its options and arguments: nothing to
  do; they are translated when shown (cli/_group.py) and extracted from the
  command tree by `make catalogs`;
- every other string a person reads (a table header, a panel title, a
  confirmation, a hint): `_("...")` where it is printed, or `N_("...")` where
  it is defined away from where it is printed (a constant, a dict) and
  `_(value)` where it is printed; placeholders are `{name}` filled with
  `.format(...)` after translation, never f-strings;
- an error: `raise NotFound(N_("no report {name}"), params={"name": name},
  hint=N_("..."))`; the CLI translates it when it prints it;
- then `make catalogs` and fill in the new `msgstr`s of each `.po` file;
  tests/test_catalogs.py fails until they are complete, tests/test_spanish.py
  (which walks every command's --help) when an English word shows.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "deskcli"

_current = "en"


def N_(message: str) -> str:
    """Mark a message for the catalog; translate it later, where it is shown."""
    return message


@cache
def available() -> tuple[str, ...]:
    """The languages there are catalogs for, and English."""
    return ("en", *sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir()))


@cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of `lang`; English (the messages themselves) for
    English or a language without one (the command line refuses those)."""
    if lang == "en" or lang not in available():
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang])
    except OSError:
        return gettext.NullTranslations()


def set_language(lang: str) -> None:
    global _current
    _current = lang


def language() -> str:
    return _current


def _(message: str) -> str:
    """`message` in this command line's language."""
    if _current == "en" or not message:
        return message
    return catalog(_current).gettext(message)


def n_(singular: str, plural: str, n: int) -> str:
    """The singular or the plural message, by `n`, in this command line's
    language: each is its own catalog entry (extracted by `make catalogs`),
    enough for the catalogs there are (English and Spanish: one and many)."""
    return _(singular if n == 1 else plural)


def from_locale(environ: Mapping[str, str] | None = None) -> str:
    """The language of the POSIX locale (LC_ALL, then LC_MESSAGES, then LANG):
    `es` for es_ES.UTF-8 when there is a catalog for it, else English."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            code = value.split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].lower()
            return code if code in available() else "en"
    return "en"


def detect(args: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language a command line asks for, before it is parsed (help texts
    and parse errors are shown before any callback runs): `--lang X` anywhere
    before `--`, else DESK_LANG, else the locale."""
    environ = os.environ if environ is None else environ
    items = list(args)
    for i, arg in enumerate(items):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(items):
            return items[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return environ.get("DESK_LANG") or from_locale(environ)
