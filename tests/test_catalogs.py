"""Every message people read is in every catalog, translated, and compiled."""

from __future__ import annotations

import gettext

from babel.messages.pofile import read_po

from deskcli.catalogs import messages
from deskcli.workflow.i18n import LOCALE_DIR, available


def extracted() -> set[str]:
    # Marked messages and every command's help texts (deskcli/catalogs.py).
    return messages()


def test_every_language_has_a_complete_current_catalog() -> None:
    wanted = extracted()
    assert len(wanted) > 40
    assert "es" in available()
    for lang in available():
        if lang == "en":
            continue
        folder = LOCALE_DIR / lang / "LC_MESSAGES"
        with open(folder / "deskcli.po", "rb") as handle:
            catalog = read_po(handle)
        entries = {m.id: m for m in catalog if m.id}
        assert set(entries) == wanted, "run `make catalogs` and translate"
        untranslated = [m.id for m in entries.values() if not m.string or m.fuzzy]
        assert untranslated == []
        with open(folder / "deskcli.mo", "rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        for message in entries.values():
            assert compiled.gettext(str(message.id)) == message.string, "run `make catalogs`"


def test_placeholders_survive_translation() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for lang in available():
        if lang == "en":
            continue
        with open(LOCALE_DIR / lang / "LC_MESSAGES" / "deskcli.po", "rb") as handle:
            for message in read_po(handle):
                if message.id:
                    assert fields(str(message.string)) == fields(str(message.id)), message.id
