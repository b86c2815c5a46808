"""The one place that turns data into terminal output (and JSON).

One module per topic; builders (`*_view`, `*_table`) return Rich renderables
and the plain-named functions print them, so a full-screen app can reuse the
builders.  All of it escapes user text (see console.py).  This module only
gathers the names the commands use, each imported from its topic's module on
first use: importing it imports no Rich, and a command loads only the topics
it prints (the types come from the imports under TYPE_CHECKING).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deskcli.render.admin import doctor
    from deskcli.render.assist import (
        assist_step,
        assist_step_view,
        assist_summary,
        assist_transcript,
    )
    from deskcli.render.cases import (
        already_closed,
        board,
        board_view,
        case_detail,
        case_detail_view,
        case_list,
        case_table,
        close_summary,
        follow_ups,
        follow_ups_table,
        history_table,
        timeline,
    )
    from deskcli.render.console import (
        compact_json,
        emit_ids,
        emit_json,
        err,
        hint,
        note,
        one_line,
        out,
        plural,
        progress,
        say,
        show,
        user,
    )
    from deskcli.render.customers import (
        customer_detail,
        customer_detail_view,
        customer_table,
        customers_table,
    )
    from deskcli.render.feedback import feedback_due, feedback_table
    from deskcli.render.kb import (
        article_detail,
        article_detail_view,
        articles,
        articles_table,
        kb_gaps,
        kb_gaps_view,
        search_results,
        search_table,
        suggestions,
        suggestions_view,
    )
    from deskcli.render.report import report_explanation, report_targets, show_report

__all__ = [
    "report_explanation",
    "report_targets",
    "show_report",
    "compact_json",
    "already_closed",
    "article_detail",
    "article_detail_view",
    "articles",
    "articles_table",
    "kb_gaps",
    "kb_gaps_view",
    "search_results",
    "search_table",
    "suggestions",
    "suggestions_view",
    "assist_step",
    "assist_step_view",
    "assist_summary",
    "assist_transcript",
    "board",
    "board_view",
    "case_detail",
    "case_detail_view",
    "case_table",
    "case_list",
    "close_summary",
    "customer_detail",
    "customer_detail_view",
    "customer_table",
    "customers_table",
    "doctor",
    "emit_ids",
    "emit_json",
    "err",
    "feedback_due",
    "feedback_table",
    "follow_ups",
    "follow_ups_table",
    "hint",
    "history_table",
    "note",
    "one_line",
    "out",
    "plural",
    "progress",
    "say",
    "show",
    "timeline",
    "user",
]

# Where each name lives.
_TOPICS: dict[str, tuple[str, ...]] = {
    "report": ("report_explanation", "report_targets", "show_report"),
    "admin": ("doctor",),
    "assist": (
        "assist_step",
        "assist_step_view",
        "assist_summary",
        "assist_transcript",
    ),
    "cases": (
        "already_closed",
        "board",
        "board_view",
        "case_detail",
        "case_detail_view",
        "case_list",
        "case_table",
        "close_summary",
        "follow_ups",
        "follow_ups_table",
        "history_table",
        "timeline",
    ),
    "console": (
        "compact_json",
        "emit_ids",
        "emit_json",
        "err",
        "hint",
        "note",
        "one_line",
        "out",
        "plural",
        "progress",
        "say",
        "show",
        "user",
    ),
    "customers": (
        "customer_detail",
        "customer_detail_view",
        "customer_table",
        "customers_table",
    ),
    "feedback": (
        "feedback_due",
        "feedback_table",
    ),
    "kb": (
        "article_detail",
        "article_detail_view",
        "articles",
        "articles_table",
        "kb_gaps",
        "kb_gaps_view",
        "search_results",
        "search_table",
        "suggestions",
        "suggestions_view",
    ),
}
_HOME = {name: topic for topic, names in _TOPICS.items() for name in names}


def __getattr__(name: str) -> Any:
    topic = _HOME.get(name)
    if topic is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"deskcli.render.{topic}"), name)
    globals()[name] = value  # the next use is a plain lookup
    return value
