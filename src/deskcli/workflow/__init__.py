"""The five A's of customer service (seed article 000), as a guided workflow.

Step identifiers are English and stable (scripts use them); what people read
goes through the message catalogs in deskcli/locale (see i18n.py).
"""

from __future__ import annotations

from deskcli.errors import closest as closest  # the steps' and actions' too
from deskcli.lang import N_ as N_

STEPS = ("acknowledge", "apologize", "answer", "analyze", "adjust")
SKIPPABLE = frozenset({"apologize"})  # an apology only when one is warranted
ACTIONS = ("resolve", "escalate", "follow-up", "pending", "leave")  # what adjust may do


# Names and guidance, in the words of the seed article (DOMAIN.md).
TITLES = {
    "acknowledge": N_("Acknowledge"),
    "apologize": N_("Apologize (if needed)"),
    "answer": N_("Answer (and ask)"),
    "analyze": N_("Analyze"),
    "adjust": N_("Adjust"),
}

GUIDANCE = {
    "acknowledge": N_("Let the customer know you have heard them."),
    "apologize": N_("If it is needed, extend a sincere apology."),
    "answer": N_("Present a proposed resolution, ask about more details and restate the problem."),
    "analyze": N_(
        "Analyze the data. Identify the root cause of the problem if the initial approach "
        "could not solve it."
    ),
    "adjust": N_("Make changes based on what you have learned."),
}

PROMPTS = {
    "acknowledge": N_("What did you say to show you heard the customer?"),
    "apologize": N_("What apology did you give? (a single '-' skips this step)"),
    "answer": N_("What did you propose, and what did you ask?"),
    "analyze": N_("What is the root cause?"),
    "adjust": N_("What changes, based on what you learned?"),
}


def unknown_choice_template(kind: str, close: str | None) -> str:
    """The catalog message for an unknown step or action (`kind`), with or
    without a suggestion; its parameters are {value}, {close} and {choices}."""
    if kind == "step":
        if close:
            return N_("unknown step {value!r} (did you mean {close!r}?); use one of: {choices}")
        return N_("unknown step {value!r}; use one of: {choices}")
    if close:
        return N_("unknown action {value!r} (did you mean {close!r}?); use one of: {choices}")
    return N_("unknown action {value!r}; use one of: {choices}")
