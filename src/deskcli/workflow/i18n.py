"""Message catalogs: GNU gettext, from the standard library.

Catalogs live in deskcli/locale/<lang>/LC_MESSAGES/deskcli.po (the source)
and .mo (compiled; `make catalogs` rebuilds both with Babel, and a test
checks they are complete and current).  Adding a language is adding a
catalog.  English needs none: the messages are English.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from pathlib import Path

from deskcli.errors import InvalidValue

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "deskcli"


@cache
def available() -> tuple[str, ...]:
    """The languages there are catalogs for, and English."""
    return ("en", *sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir()))


@cache
def translator(lang: str) -> Callable[[str], str]:
    """The gettext function for `lang` (en, es, ...)."""
    if lang == "en":
        return gettext.NullTranslations().gettext
    try:
        return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang]).gettext
    except OSError:
        raise InvalidValue(
            f"unknown language {lang!r}", hint=f"use one of: {', '.join(available())}"
        ) from None
