"""Message catalogs: GNU gettext, from the standard library.

The language of a command line and `_()` are in deskcli/lang.py.
Catalogs live in deskcli/locale/<lang>/LC_MESSAGES/deskcli.po (the source)
and .mo (compiled; `make catalogs` rebuilds both with Babel, and a test
checks they are complete and current).  Adding a language is adding a
catalog.  English needs none: the messages are English.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from deskcli.errors import InvalidValue
from deskcli.lang import DOMAIN as DOMAIN
from deskcli.lang import LOCALE_DIR as LOCALE_DIR
from deskcli.lang import N_, available, catalog


@cache
def translator(lang: str) -> Callable[[str], str]:
    """The gettext function for `lang` (en, es, ...)."""
    if lang not in available():
        raise InvalidValue(
            N_("unknown language {lang!r}"),
            hint=N_("use one of: {choices}"),
            params={"lang": lang, "choices": ", ".join(available())},
        )
    return catalog(lang).gettext
