"""A sentence that scripts read in English and people in their language.
Standard library only."""

from __future__ import annotations

from typing import Any

from deskcli.lang import _


class Said(str):
    """A sentence for JSON in English that keeps its template and values, so
    a person reads it in their language (`shown()`); values that are Said
    themselves are translated too.  JSON sees a plain string."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Said:
        said = super().__new__(cls, template.format(**params) if params else template)
        said.template, said.params = template, params
        return said

    def shown(self) -> str:
        values = {k: v.shown() if isinstance(v, Said) else v for k, v in self.params.items()}
        return _(self.template).format(**values) if values else _(self.template)
