"""`desk report --html`: the report's JSON dict as one self-contained page.

Standard library only, and no Rich: the page is a string built here.  It runs
no script and fetches nothing (a Content-Security-Policy says so to the
browser too): inline CSS, charts as inline SVG drawn below.  Every text that
comes from the report (root causes, categories, agents, teams, verdicts) goes
through `_text`: control characters made visible as in the terminal, then
HTML-escaped for text and attributes alike.

Every figure shown sits in an element carrying `data-kpi` (its dotted path,
e.g. `csat.average`; a `.` or `%` inside a key is percent-encoded),
`data-value` (the exact JSON value) and, unless it is a KPI of the whole desk,
`data-scope` (`report` for the top level, `group:N` for `groups[N].kpis`), so
a test can read every figure back from the rendered page and compare it with
`--json`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable
from typing import Any

from deskcli.lang import N_, _, language
from deskcli.sanitize import clean

NO_DATA = N_("no data")

# The browser must refuse anything the page would load or run.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;
background:#f6f8fa;margin:0;padding:24px}
main{max-width:1100px;margin:0 auto}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:0 0 12px}
h3{font-size:15px;margin:16px 0 8px}
.meta{color:#57606a;margin:0 0 20px}
section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px 20px;
margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;min-width:130px}
.card .label{color:#57606a;font-size:12px}.card .fig{font-size:20px;font-weight:600}
table{border-collapse:collapse;margin:4px 0 8px}
th,td{padding:4px 10px;border-bottom:1px solid #eaeef2;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}
th{color:#57606a;font-weight:600}
td.text{text-align:left;white-space:pre-wrap;overflow-wrap:anywhere}
.nodata{color:#8c959f;font-style:italic}
.warn{background:#fff1e5;border-left:4px solid #bc4c00;padding:6px 10px;margin:8px 0}
.note{color:#57606a;font-size:12px}
.myth{border-left:4px solid #8c959f;padding:6px 12px;margin:0 0 10px;list-style:none}
.myth.ok{border-color:#1a7f37}.myth.flag{border-color:#cf222e}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff;
background:#8c959f}
.ok .badge{background:#1a7f37}.flag .badge{background:#cf222e}
.verdict{white-space:pre-wrap;overflow-wrap:anywhere}
dl.figures{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}
dl.figures dt{color:#57606a}dl.figures dd{margin:0;overflow-wrap:anywhere}
ul.plain{margin:0;padding-left:18px}
svg{display:block;max-width:100%;height:auto;margin:8px 0}
svg text{font:11px system-ui,sans-serif;fill:#57606a}
.o{fill:#0969da}.r{fill:#8250df}.bad{fill:#cf222e}.mid{fill:#bf8700}.good{fill:#1a7f37}
.bar{fill:#0969da}.over{fill:#cf222e}.target{stroke:#1f2328;stroke-width:2}
.axis{stroke:#d0d7de}
details{margin:6px 0}summary{cursor:pointer;color:#0969da}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
"""

_BACKLOG = (("lt_1d", "< 1 d"), ("1_3d", "1-3 d"), ("3_7d", "3-7 d"), ("gt_7d", "> 7 d"))
_BUCKETS = {
    "lt_1h": "< 1 h",
    "1_4h": "1-4 h",
    "4_24h": "4-24 h",
    "1_3d": "1-3 d",
    "3_7d": "3-7 d",
    "gt_7d": "> 7 d",
}
_CLOCKS = (
    ("first_response", N_("First response")),
    ("next_reply", N_("Next reply")),
    ("resolution", N_("Resolution")),
)
# The five myths of customer service the checks test (seed 003).
_MYTHS = {
    1: N_("the biggest complaint deserves the most attention"),
    2: N_("the agent is the experience"),
    3: N_("resolving the problem makes the customer satisfied"),
    4: N_("more time makes a better experience"),
    5: N_("a satisfied customer is a loyal customer"),
}
# Program values shown to people: the same words as the terminal report's.
_CHANNELS = {
    "phone": N_("phone"),
    "email": N_("email"),
    "chat": N_("chat"),
    "social": N_("social"),
    "in_person": N_("in person"),
    "web": N_("web"),
}
_KINDS = {
    "credit": N_("credit"),
    "refund": N_("refund"),
    "replacement": N_("replacement"),
    "discount": N_("discount"),
    "other": N_("other"),
}
_GROUPS = {
    "agent": N_("agent"),
    "team": N_("team"),
    "category": N_("category"),
    "channel": N_("channel"),
    "priority": N_("priority"),
}
# Labels of the fields shown without a layout of their own (a myth's figures).
_FIELDS = {
    "data_points": N_("data points"),
    "dissatisfied_share": N_("dissatisfied share (1-2)"),
    "root_causes": N_("root causes"),
    "root_cause": N_("root cause"),
    "count": N_("cases"),
    "fcr_share": N_("first-contact resolution share"),
    "fcr_range_by_category": N_("first-contact resolution range by category"),
    "fcr_range_by_agent": N_("first-contact resolution range by agent"),
    "csat_first_contact": N_("CSAT when resolved on first contact"),
    "csat_others": N_("CSAT of the other cases"),
    "long_tail_share": N_("time on the slowest {share} of cases"),
    "over_target_share": N_("over target"),
    "top_box_share": N_("top-box share (5)"),
    "second_box_share": N_("second-box share (4)"),
    "average": N_("average"),
}
# The long tail of handling time (a "%" in a message would read as a %-placeholder).
_TAIL = "20%"
_STATUS = {"ok": N_("ok"), "flag": N_("flag"), "not_enough_data": N_("not enough data")}

# The fields each KPI is drawn with; anything else the report carries is
# shown under "Other figures", so the page never drops a figure of --json.
_KNOWN: dict[str, set[str]] = {
    "volume": {"opened", "resolved", "closed", "reopened", "backlog", "by_channel", "by_day"},
    "first_response": {"count", "median_seconds", "p90_seconds"}
    | {"business_median_seconds", "business_p90_seconds"},
    "resolution_time": {"count", "median_seconds", "p90_seconds", "histogram"}
    | {"business_median_seconds", "business_p90_seconds"},
    "sla": {"first_response", "next_reply", "resolution"},
    "fcr": {"resolved", "first_contact", "share"},
    "reopen_rate": {"resolved", "reopened", "share"},
    "escalation_rate": {"opened", "escalated", "share", "by_team"},
    "csat": {"count", "average", "top_box_share", "dissatisfied_share", "dissatisfied_flag"}
    | {"response_rate", "root_causes", "distribution", "categories"},
    "nps": {"count", "promoters", "passives", "detractors", "score", "meaningful"},
    "handling": {"total_seconds", "long_tail_share", "by_category"},
    "remedies": {"count", "by_kind"},
    "qa": {"count", "average", "by_pillar", "flagged", "by_agent"},
}


# -- text and figures ---------------------------------------------------------


def _text(value: object) -> str:
    """User text for the page: controls made visible, then escaped (quotes too)."""
    return html.escape(clean(value), quote=True)


def _key(segment: object) -> str:
    return str(segment).replace("%", "%25").replace(".", "%2E")


def kpi_path(*segments: object) -> str:
    """The `data-kpi` path of a figure: keys and list indexes joined by dots."""
    return ".".join(_key(segment) for segment in segments)


def _get(data: object, *keys: object) -> Any:
    """data[k1][k2]..., or None where a level is missing (the page never fails on a gap)."""
    for key in keys:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            return None
    return data


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _count(value: object) -> str:
    number = _number(value)
    if number is None:
        return str(value)
    return f"{int(number):,}" if number == int(number) else f"{number:,.2f}"


def _share(value: object) -> str:
    number = _number(value)
    return str(value) if number is None else f"{round(number * 100, 1):g}%"


def _seconds(value: object) -> str:
    """Time as people read it: '38 s', '12 min', '1 h 05 min', '2 d 04 h'."""
    number = _number(value)
    if number is None:
        return str(value)
    seconds = max(0, int(number + 0.5))
    if seconds < 60:
        return f"{seconds} s"
    minutes = int(seconds / 60 + 0.5)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(int(seconds / 3600 + 0.5), 24)
    return f"{days} d {hours:02d} h"


def _average(value: object) -> str:
    number = _number(value)
    return str(value) if number is None else f"{number:.2f}"


def _score(value: object) -> str:
    number = _number(value)
    return str(value) if number is None else f"{round(number, 1):g}"


def _yes_no(value: object) -> str:
    return _("yes") if value is True else _("no") if value is False else str(value)


def _plain(value: object) -> str:
    """Text as is; a sentence the service built (a myth's verdict) in the
    reader's language when it carries its template (deskcli.said.Said)."""
    shown = getattr(value, "shown", None)
    return str(shown() if callable(shown) else value)


def _field(name: object) -> str:
    """A field's label for people (the key itself when the page has no word for it)."""
    key = str(name)
    return _(_FIELDS[key]).format(share=_TAIL) if key in _FIELDS else key.replace("_", " ")


def _words(words: dict[str, str]) -> Format:
    """A program value (a channel, a remedy kind) in the reader's words."""
    return lambda value: _(words[str(value)]) if str(value) in words else str(value)


def _when(value: object) -> str:
    """An ISO time of the report as people read it: '2026-11-01 00:00:00 UTC'."""
    text = str(value)
    return text.replace("T", " ", 1).removesuffix("+00:00") + (" UTC" if "+00:00" in text else "")


def _status(value: object) -> str:
    return _(_STATUS[str(value)]) if str(value) in _STATUS else str(value)


def _bucket(value: object) -> str:
    return _BUCKETS.get(str(value), str(value))


def _money(value: object) -> str:
    """A decimal string as the report gives it (no float rounding of money)."""
    return str(value)


Format = Callable[[object], str]


def _data(scope: str, path: str, value: object) -> str:
    """The attributes that let a test read a figure back: path, scope, exact value."""
    scope_attr = f' data-scope="{_text(scope)}"' if scope else ""
    raw = json.dumps(value, ensure_ascii=True)
    return f'data-kpi="{_text(path)}"{scope_attr} data-value="{_text(raw)}"'


def _fig(
    scope: str, path: str, value: object, show: Format = _count, tag: str = "span", css: str = ""
) -> str:
    """One figure: its text for people, its path and exact value for tests."""
    classes = " ".join(c for c in ("fig", css, "nodata" if value is None else "") if c)
    shown = _(NO_DATA) if value is None else show(value)
    return f'<{tag} class="{classes}" {_data(scope, path, value)}>{_text(shown)}</{tag}>'


def _guess(name: str) -> Format:
    """How to show a figure the page has no layout for, from its name."""
    if "share" in name or "range" in name or name.endswith(("rate", "attainment")):
        return _share
    if name.endswith("seconds"):
        return _seconds
    if "average" in name or "csat" in name:
        return _average
    return _count


def _generic(scope: str, path: list[object], value: object, name: str = "") -> str:
    """Any JSON value as nested lists, every scalar a figure."""
    if isinstance(value, dict):
        items = [
            f"<dt>{_text(_field(key))}</dt><dd>{_generic(scope, [*path, key], item, str(key))}</dd>"
            for key, item in value.items()
            if not _is_ids(key)
        ]
        return f'<dl class="figures">{"".join(items)}</dl>' if items else "-"
    if isinstance(value, list):
        items = [
            f"<li>{_generic(scope, [*path, i], item, name)}</li>" for i, item in enumerate(value)
        ]
        return f'<ul class="plain">{"".join(items)}</ul>' if items else "-"
    if isinstance(value, str):
        return _fig(scope, kpi_path(*path), value, _plain, css="text")
    if isinstance(value, bool):
        return _fig(scope, kpi_path(*path), value, _yes_no)
    return _fig(scope, kpi_path(*path), value, _guess(name))


def _is_ids(key: object) -> bool:
    """Drill-down id lists are for --explain and --json, not for the page."""
    return str(key) == "ids" or str(key).endswith("_ids")


# -- building blocks ------------------------------------------------------------


def _card(label: str, figure: str, **params: object) -> str:
    """A figure under `label`, given in English (translated here, then filled with `params`)."""
    shown = _(label).format(**params) if params else _(label)
    return f'<div class="card"><div class="label">{_text(shown)}</div>{figure}</div>'


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """A table of already-built cells (figures or escaped text), under headers
    given in English (translated here)."""
    head = "".join(f"<th>{_text(_(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    if not body:
        return f'<p class="nodata">{_text(_(NO_DATA))}</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


Column = tuple[str, str, Format]  # field, header, format


def _row_table(scope: str, base: tuple[object, ...], value: object, columns: list[Column]) -> str:
    """A list of records as a table: the given columns, then any field the
    page has no layout for (so no figure of the report is dropped)."""
    rows = _rows(value)
    known = {field for field, _h, _s in columns}
    extra = [f for row in rows for f in row if f not in known and not _is_ids(f)]
    columns = columns + [
        (f, _FIELDS.get(f, f.replace("_", " ")), _guess(f)) for f in dict.fromkeys(extra)
    ]
    texts = {_plain}
    return _table(
        [header for _f, header, _s in columns],
        [
            [
                _generic(scope, [*base, i, field], row.get(field), field)
                if isinstance(row.get(field), dict | list)
                else _fig(
                    scope,
                    kpi_path(*base, i, field),
                    row.get(field),
                    show,
                    css="text" if show in texts else "",
                )
                for field, _h, show in columns
            ]
            for i, row in enumerate(rows)
        ],
    )


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _rows(value: object) -> list[dict[str, Any]]:
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def _entries(value: object) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in value.items()] if isinstance(value, dict) else []


def _label(text: str, limit: int = 26) -> str:
    """A chart label: user text, cut to fit (the full text is in the bar's title)."""
    cleaned = clean(text)
    return html.escape(cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…")


# -- charts (inline SVG) ----------------------------------------------------------


def _height(value: object, top: float, room: float) -> float:
    number = _number(value) or 0.0
    return round(room * max(0.0, number) / top, 2) if top > 0 else 0.0


def _bar(
    scope: str, path: str, value: object, x: float, y: float, w: float, h: float, css: str, tip: str
) -> str:
    return (
        f'<rect class="{css}" x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" '
        f"{_data(scope, path, value)}><title>{_text(tip)}</title></rect>"
    )


def _svg(width: int, height: int, label: str, body: str) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{_text(label)}"><title>{_text(label)}</title>{body}</svg>'
    )


def _columns(
    scope: str,
    label: str,
    columns: list[tuple[str, list[tuple[str, object, str]]]],
    *,
    width: int = 1000,
    every: int = 1,
) -> str:
    """Vertical bars: one column per label, one bar per (path, value, class) in it."""
    label = _(label)
    if not columns:
        return f'<p class="nodata">{_text(label)}: {_text(_(NO_DATA))}</p>'
    height, left, bottom, top_pad = 220, 40, 30, 14
    room = height - bottom - top_pad
    top = max((_number(v) or 0.0 for _n, bars in columns for _p, v, _c in bars), default=0.0)
    slot = (width - left) / len(columns)
    parts = [
        f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width}" '
        f'y2="{height - bottom}"/>',
        f'<text x="{left - 4}" y="{top_pad + 4}" text-anchor="end">{_count(top)}</text>',
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>',
    ]
    for i, (name, bars) in enumerate(columns):
        x0 = left + i * slot + slot * 0.1
        bar_width = slot * 0.8 / max(1, len(bars))
        for j, (path, value, css) in enumerate(bars):
            h = _height(value, top, room)
            tip = f"{name}: {_(NO_DATA) if value is None else _count(value)}"
            x, y = x0 + j * bar_width, height - bottom - h
            parts.append(_bar(scope, path, value, x, y, bar_width, h, css, tip))
        last = len(columns) - 1
        # Every `every`-th label, and the last one unless it would overlap its neighbour.
        if i % every == 0 or (i == last and last % every >= every / 2):
            centre = left + i * slot + slot / 2
            parts.append(
                f'<text x="{centre:.2f}" y="{height - bottom + 16}" text-anchor="middle">'
                f"{_label(name, 12)}</text>"
            )
    return _svg(width, height, label, "".join(parts))


def _volume_chart(scope: str, days: list[dict[str, Any]]) -> str:
    columns = [
        (
            str(day.get("date", "")),
            [
                (kpi_path("volume", "by_day", i, "opened"), day.get("opened"), "o"),
                (kpi_path("volume", "by_day", i, "resolved"), day.get("resolved"), "r"),
            ],
        )
        for i, day in enumerate(days)
    ]
    legend = '<p class="legend"><span class="o-key" style="background:#0969da"></span>'
    opened, resolved = _text(_("opened")), _text(_("resolved"))
    legend += f'{opened}<span style="background:#8250df"></span>{resolved}</p>'
    every = max(1, len(columns) // 10)
    return legend + _columns(scope, N_("Cases opened and resolved per day"), columns, every=every)


def _histogram_chart(scope: str, buckets: list[dict[str, Any]]) -> str:
    columns = [
        (
            _BUCKETS.get(str(row.get("bucket")), str(row.get("bucket"))),
            [(kpi_path("resolution_time", "histogram", i, "count"), row.get("count"), "bar")],
        )
        for i, row in enumerate(buckets)
    ]
    return _columns(scope, N_("Resolution time of the cases resolved"), columns, width=600)


def _csat_chart(scope: str, distribution: object) -> str:
    css = {"1": "bad", "2": "bad", "3": "mid", "4": "good", "5": "good"}
    columns = [
        (
            f"{rating} ★",
            [(kpi_path("csat", "distribution", rating), count, css.get(rating, "bar"))],
        )
        for rating, count in _entries(distribution)
    ]
    return _columns(scope, N_("Ratings from 1 to 5"), columns, width=500)


def _handling_chart(scope: str, categories: list[dict[str, Any]]) -> str:
    """Median handling time per category as bars, the target as a mark across each."""
    if not categories:
        shown = _("Handling time per category") + ": " + _(NO_DATA)
        return f'<p class="nodata">{_text(shown)}</p>'
    width, left, row_height = 1000, 200, 26
    height = row_height * len(categories) + 24
    top = max(
        (
            _number(row.get(field)) or 0.0
            for row in categories
            for field in ("median_seconds", "target_seconds")
        ),
        default=0.0,
    )
    room = width - left - 90
    parts = [f'<line class="axis" x1="{left}" y1="0" x2="{left}" y2="{height - 20}"/>']
    for i, row in enumerate(categories):
        name = str(row.get("category", ""))
        median, target = row.get("median_seconds"), row.get("target_seconds")
        y = i * row_height + 4
        median_n, target_n = _number(median), _number(target)
        over = median_n is not None and target_n is not None and median_n > target_n
        length = _height(median, top, room)
        tip = _("{name}: median {median}, target {target}").format(
            name=name,
            median=_(NO_DATA) if median is None else _seconds(median),
            target=_("none") if target is None else _seconds(target),
        )
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{_label(name)}</text>')
        path = kpi_path("handling", "by_category", i, "median_seconds")
        parts.append(
            _bar(
                scope, path, median, left, y, length, row_height - 8, "over" if over else "bar", tip
            )
        )
        parts.append(
            f'<text x="{left + length + 6:.2f}" y="{y + 14}">'
            f"{_text(_(NO_DATA) if median is None else _seconds(median))}</text>"
        )
        if _number(target) is not None:
            x = left + _height(target, top, room)
            parts.append(
                f'<line class="target" x1="{x:.2f}" y1="{y - 2}" x2="{x:.2f}" '
                f'y2="{y + row_height - 4}"><title>{_text(tip)}</title></line>'
            )
    key = _("bar: median handling time; black mark: the category's target; red: median over target")
    parts.append(f'<text x="{left}" y="{height - 4}">{_text(key)}</text>')
    label = _("Handling time per category against target")
    return _svg(width, height, label, "".join(parts))


# -- sections ---------------------------------------------------------------------


def _section(title: str, body: str, **params: object) -> str:
    """A section under `title`, given in English (translated here, then filled with `params`)."""
    shown = _(title).format(**params) if params else _(title)
    return f"<section><h2>{_text(shown)}</h2>{body}</section>"


def _h3(title: str) -> str:
    return f"<h3>{_text(_(title))}</h3>"


def _note(text: str, css: str = "note", **params: object) -> str:
    shown = _(text).format(**params) if params else _(text)
    return f'<p class="{css}">{_text(shown)}</p>'


def _summary(text: str, body: str) -> str:
    return f"<details><summary>{_text(_(text))}</summary>{body}</details>"


def _headline(k: dict[str, Any], scope: str) -> str:
    cards = [
        (N_("Opened"), "volume", "opened", _count),
        (N_("Resolved"), "volume", "resolved", _count),
        (N_("Median resolution"), "resolution_time", "median_seconds", _seconds),
        (N_("First-contact resolution"), "fcr", "share", _share),
        (N_("CSAT average"), "csat", "average", _average),
        (N_("Top-box share (5)"), "csat", "top_box_share", _share),
        (N_("Dissatisfied share (1-2)"), "csat", "dissatisfied_share", _share),
        (N_("NPS"), "nps", "score", _score),
    ]
    return (
        '<div class="cards">'
        + "".join(
            _card(label, _fig(scope, kpi_path(kpi, field), _get(k, kpi, field), show))
            for label, kpi, field, show in cards
        )
        + "</div>"
    )


def _volume(k: dict[str, Any], scope: str) -> str:
    volume = _get(k, "volume")
    counts = _table(
        [N_("opened"), N_("resolved"), N_("closed"), N_("reopened")],
        [
            [
                _fig(scope, kpi_path("volume", f), _get(volume, f))
                for f in ("opened", "resolved", "closed", "reopened")
            ]
        ],
    )
    backlog = _table(
        [label for _b, label in _BACKLOG],
        [
            [
                _fig(scope, kpi_path("volume", "backlog", b), _get(volume, "backlog", b))
                for b, _l in _BACKLOG
            ]
        ],
    )
    channels = _table(
        [N_("channel"), N_("opened")],
        [
            [
                f'<span class="text">{_text(_words(_CHANNELS)(name))}</span>',
                _fig(scope, kpi_path("volume", "by_channel", name), n),
            ]
            for name, n in _entries(_get(volume, "by_channel"))
        ],
    )
    days = _rows(_get(volume, "by_day"))
    day_table = _row_table(
        scope,
        ("volume", "by_day"),
        days,
        [
            ("date", N_("date"), _plain),
            ("opened", N_("opened"), _count),
            ("resolved", N_("resolved"), _count),
        ],
    )
    return _section(
        N_("Volume"),
        counts
        + _h3(N_("Backlog now, by age"))
        + backlog
        + _h3(N_("Opened by channel"))
        + channels
        + _h3(N_("Per day"))
        + _volume_chart(scope, days)
        + _summary(N_("Per day as a table"), day_table),
    )


def _times(k: dict[str, Any], scope: str) -> str:
    fields = (
        ("count", _count),
        ("median_seconds", _seconds),
        ("p90_seconds", _seconds),
        ("business_median_seconds", _seconds),
        ("business_p90_seconds", _seconds),
    )
    rows = [
        [_text(_(label))]
        + [_fig(scope, kpi_path(kpi, f), _get(k, kpi, f), show) for f, show in fields]
        for kpi, label in (
            ("first_response", N_("First response")),
            ("resolution_time", N_("Resolution")),
        )
    ]
    table = _table(
        ["", N_("cases"), N_("median"), N_("p90"), N_("business median"), N_("business p90")], rows
    )
    buckets = _rows(_get(k, "resolution_time", "histogram"))
    bucket_table = _row_table(
        scope,
        ("resolution_time", "histogram"),
        buckets,
        [("bucket", N_("resolution time"), _bucket), ("count", N_("cases"), _count)],
    )
    return _section(
        N_("Response and resolution times"),
        table
        + _note(N_("Business times count only the open hours of the SLA calendar."))
        + _h3(N_("Resolution time distribution"))
        + _histogram_chart(scope, buckets)
        + _summary(N_("Distribution as a table"), bucket_table),
    )


def _sla(k: dict[str, Any], scope: str) -> str:
    fields = (("met", _count), ("breached", _count), ("running", _count), ("attainment", _share))
    rows = [
        [_text(_(label))]
        + [
            _fig(scope, kpi_path("sla", clock, f), _get(k, "sla", clock, f), show)
            for f, show in fields
        ]
        for clock, label in _CLOCKS
    ]
    return _section(
        N_("Service levels"),
        _table([N_("clock"), N_("met"), N_("breached"), N_("running"), N_("attainment")], rows)
        + _note(N_("Attainment = met / (met + breached).")),
    )


def _flow(k: dict[str, Any], scope: str) -> str:
    rows = [
        [
            _text(_("First-contact resolution")),
            _fig(scope, "fcr.resolved", _get(k, "fcr", "resolved")),
            _fig(scope, "fcr.first_contact", _get(k, "fcr", "first_contact")),
            _fig(scope, "fcr.share", _get(k, "fcr", "share"), _share),
        ],
        [
            _text(_("Reopened")),
            _fig(scope, "reopen_rate.resolved", _get(k, "reopen_rate", "resolved")),
            _fig(scope, "reopen_rate.reopened", _get(k, "reopen_rate", "reopened")),
            _fig(scope, "reopen_rate.share", _get(k, "reopen_rate", "share"), _share),
        ],
        [
            _text(_("Escalated")),
            _fig(scope, "escalation_rate.opened", _get(k, "escalation_rate", "opened")),
            _fig(scope, "escalation_rate.escalated", _get(k, "escalation_rate", "escalated")),
            _fig(scope, "escalation_rate.share", _get(k, "escalation_rate", "share"), _share),
        ],
    ]
    teams = _table(
        [N_("escalated to"), N_("cases")],
        [
            [
                f'<span class="text">{_text(team)}</span>',
                _fig(scope, kpi_path("escalation_rate", "by_team", team), n),
            ]
            for team, n in _entries(_get(k, "escalation_rate", "by_team"))
        ],
    )
    return _section(
        N_("First contact, reopens and escalations"),
        _table(["", N_("out of"), N_("cases"), N_("share")], rows)
        + _h3(N_("Escalations by team"))
        + teams,
    )


def _csat(k: dict[str, Any], scope: str) -> str:
    csat = _get(k, "csat")
    fields = (
        ("count", N_("ratings"), _count),
        ("average", N_("average"), _average),
        ("top_box_share", N_("top-box share (5)"), _share),
        ("dissatisfied_share", N_("dissatisfied share (1-2)"), _share),
        ("dissatisfied_flag", N_("dissatisfied above 10%"), _yes_no),
        ("response_rate", N_("response rate (rated / resolved)"), _share),
    )
    cards = (
        '<div class="cards">'
        + "".join(
            _card(label, _fig(scope, kpi_path("csat", f), _get(csat, f), show))
            for f, label, show in fields
        )
        + "</div>"
    )
    warning = ""
    if _get(csat, "dissatisfied_flag") is True:
        warning = _note(
            N_(
                "More than {limit} of the ratings are 1 or 2: look at the process "
                "behind them (the root causes below), not at the loudest customer."
            ),
            "warn",
            limit="10%",
        )
    causes = _row_table(
        scope,
        ("csat", "root_causes"),
        _get(csat, "root_causes"),
        [
            ("root_cause", N_("root cause among dissatisfied cases"), _plain),
            ("count", N_("cases"), _count),
        ],
    )
    categories = _row_table(
        scope,
        ("csat", "categories"),
        _get(csat, "categories"),
        [
            ("category", N_("category among dissatisfied cases"), _plain),
            ("count", N_("cases"), _count),
        ],
    )
    distribution = _get(csat, "distribution")
    nps = _get(k, "nps")
    nps_fields = (
        ("count", N_("answers"), _count),
        ("promoters", N_("promoters"), _count),
        ("passives", N_("passives"), _count),
        ("detractors", N_("detractors"), _count),
        ("score", N_("score"), _score),
        ("meaningful", N_("meaningful (30+ answers)"), _yes_no),
    )
    nps_cards = (
        '<div class="cards">'
        + "".join(
            _card(label, _fig(scope, kpi_path("nps", f), _get(nps, f), show))
            for f, label, show in nps_fields
        )
        + "</div>"
    )
    if _get(nps, "meaningful") is False:
        nps_cards += _note(N_("Fewer than 30 answers: the score is not meaningful yet."))
    return _section(
        N_("Customer satisfaction"),
        cards
        + warning
        + _h3(N_("Ratings"))
        + _csat_chart(scope, distribution)
        + causes
        + categories
        + _h3(N_("Net Promoter Score"))
        + nps_cards,
    )


def _handling(k: dict[str, Any], scope: str) -> str:
    handling = _get(k, "handling")
    cards = (
        '<div class="cards">'
        + _card(
            N_("total handling time"),
            _fig(scope, "handling.total_seconds", _get(handling, "total_seconds"), _seconds),
        )
        + _card(
            N_("time on the slowest {share} of cases"),
            _fig(scope, "handling.long_tail_share", _get(handling, "long_tail_share"), _share),
            share=_TAIL,
        )
        + "</div>"
    )
    categories = _rows(_get(handling, "by_category"))
    table = _row_table(
        scope,
        ("handling", "by_category"),
        categories,
        [
            ("category", N_("category"), _plain),
            ("cases", N_("cases"), _count),
            ("median_seconds", N_("median"), _seconds),
            ("target_seconds", N_("target"), _seconds),
            ("over_target_share", N_("over target"), _share),
        ],
    )
    return _section(
        N_("Handling time"),
        f"{cards}{_handling_chart(scope, categories)}{table}",
    )


def _remedies(k: dict[str, Any], scope: str) -> str:
    remedies = _get(k, "remedies")
    kinds = _row_table(
        scope,
        ("remedies", "by_kind"),
        _get(remedies, "by_kind"),
        [
            ("kind", N_("kind"), _words(_KINDS)),
            ("currency", N_("currency"), _plain),
            ("count", N_("count"), _count),
            ("total", N_("total"), _money),
        ],
    )
    count = _fig(scope, "remedies.count", _get(remedies, "count"))
    card = _card(N_("remedies"), count)
    cards = f'<div class="cards">{card}</div>'
    return _section(N_("Remedies"), cards + kinds)


def _qa(k: dict[str, Any], scope: str) -> str:
    from deskcli.render.review import pillar_word  # the pillars as seed 000 names them

    qa = _get(k, "qa")
    cards = (
        '<div class="cards">'
        + "".join(
            _card(label, _fig(scope, kpi_path("qa", f), _get(qa, f), show))
            for f, label, show in (
                ("count", N_("reviews"), _count),
                ("average", N_("average score (0-10)"), _average),
                ("flagged", N_("flagged (integrity below 5)"), _count),
            )
        )
        + "</div>"
    )
    pillars = _table(
        [N_("pillar"), N_("average")],
        [
            [
                _text(pillar_word(name)),
                _fig(scope, kpi_path("qa", "by_pillar", name), value, _average),
            ]
            for name, value in _entries(_get(qa, "by_pillar"))
        ],
    )
    agents = _row_table(
        scope,
        ("qa", "by_agent"),
        _get(qa, "by_agent"),
        [
            ("agent", N_("agent"), _plain),
            ("count", N_("reviews"), _count),
            ("average", N_("average"), _average),
            ("flagged", N_("flagged"), _count),
        ],
    )
    return _section(
        N_("Quality reviews"),
        cards + _h3(N_("By pillar")) + pillars + _h3(N_("By agent")) + agents,
    )


def _others(k: dict[str, Any], scope: str) -> str:
    """Figures of the report this page has no layout for: shown, never dropped."""
    items = []
    for name, value in _entries(k):
        known = _KNOWN.get(name)
        if known is None:
            if not _is_ids(name):
                items.append(
                    f"<dt>{_text(name)}</dt><dd>{_generic(scope, [name], value, name)}</dd>"
                )
            continue
        for field, item in _entries(value):
            if field not in known and not _is_ids(field):
                items.append(
                    f"<dt>{_text(name)}.{_text(field)}</dt>"
                    f"<dd>{_generic(scope, [name, field], item, field)}</dd>"
                )
    if not items:
        return ""
    return _section(N_("Other figures"), f'<dl class="figures">{"".join(items)}</dl>')


_SECTIONS = (_volume, _times, _sla, _flow, _csat, _handling, _remedies, _qa, _others)


def _kpis(k: dict[str, Any], scope: str, myths: str = "") -> str:
    """The KPI sections, the headline figures first (and the myths after them)."""
    headline = _section(N_("At a glance"), _headline(k, scope))
    return headline + myths + "".join(section(k, scope) for section in _SECTIONS)


def _myths(myths: object) -> str:
    items = []
    myth_word = _text(_("Myth"))
    for i, myth in enumerate(_rows(myths)):
        status = str(myth.get("status"))
        number = myth.get("myth")
        title = _(_MYTHS[number]) if isinstance(number, int) and number in _MYTHS else ""
        figures = _generic("report", ["myths", i, "figures"], myth.get("figures") or {})
        shown = _fig("report", kpi_path("myths", i, "myth"), number, _plain)
        badge = _fig(
            "report", kpi_path("myths", i, "status"), myth.get("status"), _status, css="badge"
        )
        verdict = _fig(
            "report", kpi_path("myths", i, "verdict"), myth.get("verdict"), _plain, "p", "verdict"
        )
        items.append(
            f'<li class="myth {_text(status)}" data-myth="{_text(number)}">'
            f"<strong>{myth_word} {shown}{': ' + _text(title) if title else ''}</strong> "
            f"{badge}"
            f"{verdict}{figures}</li>"
        )
    if not items:
        return _section(N_("What the numbers say"), f'<p class="nodata">{_text(_(NO_DATA))}</p>')
    return _section(N_("What the numbers say"), f'<ul style="padding:0">{"".join(items)}</ul>')


def _groups(report: dict[str, Any]) -> str:
    by = report.get("by")
    groups = _rows(report.get("groups"))
    if not by:
        return ""
    columns = (
        (N_("opened"), ("volume", "opened"), _count),
        (N_("resolved"), ("volume", "resolved"), _count),
        (N_("median resolution"), ("resolution_time", "median_seconds"), _seconds),
        (N_("FCR"), ("fcr", "share"), _share),
        (N_("reopened"), ("reopen_rate", "share"), _share),
        (N_("CSAT"), ("csat", "average"), _average),
        (N_("top-box"), ("csat", "top_box_share"), _share),
        (N_("dissatisfied"), ("csat", "dissatisfied_share"), _share),
        (N_("handling"), ("handling", "total_seconds"), _seconds),
        (N_("QA"), ("qa", "average"), _average),
    )
    by_word = _words(_GROUPS)(by)
    rows = []
    details = []
    for i, group in enumerate(groups):
        scope = f"group:{i}"
        kpis = _dict(group.get("kpis"))
        # A group of cases without one (no agent): said as the terminal report says it.
        key_word = _("(none)") if group.get("key") is None else group.get("key")
        key = _fig("report", kpi_path("groups", i, "key"), group.get("key"), _plain, css="text")
        rows.append(
            [key]
            + [_fig(scope, kpi_path(*path), _get(kpis, *path), show) for _, path, show in columns]
        )
        details.append(
            f"<details><summary>{_text(by_word)} {_text(key_word)}</summary>"
            f"{_kpis(kpis, scope)}</details>"
        )
    table = _table([by_word] + [label for label, _p, _s in columns], rows)
    return _section(N_("By {by}"), table + "".join(details), by=by_word)


def page(report: dict[str, Any]) -> str:
    """The report (the exact `desk report --json` dict) as one self-contained HTML page."""
    kpis = _dict(report.get("kpis"))
    period = report.get("period")
    by = ""
    if report.get("by"):
        shown = _fig("report", "by", report["by"], _words(_GROUPS))
        by = html.escape(_("by {by}; "), quote=False).format(by=shown)
    # The sentence is the catalog's (escaped), its figures already-built elements.
    meta = html.escape(
        _("From {start} to {end}; business times on the {calendar} calendar; {by}generated {at}."),
        quote=False,
    ).format(
        start=_fig("report", "period.from", _get(period, "from"), _when),
        end=_fig("report", "period.to", _get(period, "to"), _when),
        calendar=_fig("report", "calendar", report.get("calendar"), _plain),
        by=by,
        at=_fig("report", "generated_at", report.get("generated_at"), _when),
    )
    title = _text(_("Support desk report"))
    header = f'<header><h1>{title}</h1><p class="meta">{meta}</p></header>'
    # The page's language is the command's (`<html lang>` tells the browser and screen readers).
    body = header + _kpis(kpis, "", _myths(report.get("myths"))) + _groups(report)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_text(language())}"><head><meta charset="utf-8"/>'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}"/>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        '<meta name="referrer" content="no-referrer"/>'
        f"<title>{title}</title>"
        f"<style>{_CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )
