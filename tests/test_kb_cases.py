"""The knowledge base in case work, through the real command line on both
backends: `desk kb promote` (a draft from a solved case), suggestions in
`desk case show` and the answer step of `desk assist`, `desk case
use-article` and `resolve --article` (uses count cases), and `desk kb gaps`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk, default_sigint, subprocess_env

Dj = Callable[..., Any]
NewCase = Callable[..., int]
LONG_AGO = {"DESK_NOW": "2020-01-01T09:00:00+00:00"}


def add(dj: Dj, title: str, body: str, *extra: str) -> int:
    return int(dj("kb", "add", "--title", title, "--body", body, *extra)["id"])


def events(dj: Dj, case_id: int, kind: str) -> list[dict[str, Any]]:
    return [e for e in dj("case", "show", str(case_id))["events"] if e["kind"] == kind]


def suggested(desk: Desk, case_id: int) -> list[str]:
    """The lines `desk case show` lists under "Articles that may help"."""
    result = desk("case", "show", str(case_id))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    if "Articles that may help" not in result.stdout:
        return []
    start = next(i for i, line in enumerate(lines) if line.startswith("Articles that may help"))
    found = []
    for line in lines[start + 1 :]:
        if line.startswith("desk kb show ID"):
            break
        found.append(" ".join(line.split()))
    return found


# -- desk kb promote -----------------------------------------------------------


def test_promote_makes_a_draft_from_the_case_and_its_five_as(
    dj: Dj, desk: Desk, new_case: NewCase
) -> None:
    case = str(new_case("Charged twice", "--category", "billing"))
    dj("assist", case, "--step", "acknowledge", "--text", "I hear you")
    dj("assist", case, "--step", "apologize", "--skip", "--reason", "not yet known")
    dj("assist", case, "--step", "answer", "--text", "I will refund the second charge today")
    dj("assist", case, "--step", "analyze", "--text", "the card batch ran twice")
    dj("assist", case, "--step", "adjust", "--text", "watch the batch", "--then", "resolve",
       "--resolution", "Refunded the second charge",
       "--root-cause", "batch job retried")  # fmt: skip
    before = dj("case", "show", case)["version"]
    article = dj("kb", "promote", case)
    assert article["status"] == "draft" and article["source_case_id"] == int(case)
    assert (article["title"], article["category"], article["version"]) == (
        "Charged twice", "billing", 1,
    )  # fmt: skip
    assert article["body"] == (
        "Resolution:\nRefunded the second charge\n\n"
        "Root cause:\nbatch job retried\n\n"
        "Analysis:\nthe card batch ran twice\n\n"
        "What we told the customer:\nI will refund the second charge today"
    )
    shown = dj("kb", "show", str(article["id"]), "--history")
    assert shown["source_case_id"] == int(case) and len(shown["history"]) == 1
    assert shown["history"][0]["changes"]["source_case_id"] == {"from": None, "to": int(case)}
    assert shown["history"][0]["changes"]["status"] == {"from": None, "to": "draft"}
    promoted = events(dj, int(case), "kb_promoted")
    assert [(e["body"], e["data"]) for e in promoted] == [
        ("Charged twice", {"article_id": article["id"]})
    ]
    assert dj("case", "show", case)["version"] == before + 1
    assert dj("kb", "search", "refunded") == []  # a draft: not found until published
    assert [h["id"] for h in dj("kb", "search", "refunded", "--all")] == [article["id"]]
    human = desk("case", "show", case)
    assert f"made an article  article {article['id']}: Charged twice" in human.stdout


def test_promote_a_closed_case_with_a_title_and_without_the_five_as(
    dj: Dj, desk: Desk, new_case: NewCase
) -> None:
    case = str(new_case("Wi-Fi drops"))
    dj("case", "close", case, "--resolution", "Moved the router")
    result = desk("kb", "promote", case, "--title", "Router placement")
    assert result.exit_code == 0, result.output
    assert "Added draft article 1 from case 1." in result.stdout
    assert "desk kb edit 1 --publish" in result.stdout
    article = dj("kb", "show", "1")
    assert article["title"] == "Router placement" and article["category"] is None
    assert article["body"] == "Problem:\nWi-Fi drops\n\nResolution:\nMoved the router"


def test_promote_refusals_change_nothing(
    dj: Dj, desk: Desk, new_case: NewCase, sql: Callable[..., list[Any]]
) -> None:
    case = str(new_case("Charged twice"))
    active = desk("kb", "promote", case)
    assert active.exit_code == 4
    assert active.stderr.startswith("desk: error: case 1 is new; only a resolved or closed case")
    assert "desk case resolve 1 --resolution TEXT" in active.stderr
    assert desk("kb", "promote", "99").exit_code == 3
    dj("case", "resolve", case, "--resolution", "Refunded")
    assert desk("kb", "promote", case, "--title", "  ").exit_code == 2
    assert desk("kb", "promote", case, "--title", "two\nlines").exit_code == 2
    first = dj("kb", "promote", case)["id"]
    again = desk("kb", "promote", case)
    assert again.exit_code == 4
    assert f"case 1 is already article {first} (draft)" in again.stderr
    assert f"desk kb edit {first}" in again.stderr
    assert sql("SELECT count(*) FROM kb_article")[0][0] == 1
    assert len(events(dj, int(case), "kb_promoted")) == 1
    dj("kb", "archive", str(first))  # an archived article does not stand in the way
    assert dj("kb", "promote", case)["id"] == first + 1


# -- desk case use-article and resolve --article ------------------------------------


def test_use_article_is_recorded_once_per_case_and_counts_cases(
    dj: Dj, desk: Desk, new_case: NewCase, sql: Callable[..., list[Any]]
) -> None:
    article = add(dj, "Reset the router", "Hold the button 10 s.")
    first, second = new_case(), new_case("Other")
    used = dj("case", "use-article", str(first), str(article))
    assert used["id"] == first and used["version"] == 2  # --json prints the case
    assert [(e["body"], e["data"]) for e in events(dj, first, "kb_used")] == [
        ("Reset the router", {"article_id": article, "title": "Reset the router"})
    ]
    assert dj("kb", "show", str(article))["uses"] == 1
    again = desk("case", "use-article", str(first), str(article))
    assert again.exit_code == 0
    assert "already recorded as used on case 1; nothing changed" in again.stderr
    assert dj("case", "show", str(first))["version"] == 2
    assert len(events(dj, first, "kb_used")) == 1
    human = desk("case", "use-article", str(second), str(article))
    assert human.exit_code == 0 and f"Article {article} recorded as used on case 2." in human.stdout
    assert dj("kb", "show", str(article))["uses"] == 2
    assert sql("SELECT count(*) FROM kb_use")[0][0] == 2
    timeline = desk("case", "show", str(first)).stdout
    assert f"article used  article {article}: Reset the router" in timeline


def test_use_article_in_any_status_and_its_refusals(
    dj: Dj, desk: Desk, new_case: NewCase, sql: Callable[..., list[Any]]
) -> None:
    article = add(dj, "Reset the router", "Hold the button.")
    archived = add(dj, "Old way", "Unplug it.")
    dj("kb", "archive", str(archived))
    draft = add(dj, "New way", "Use the app.", "--draft")
    case = new_case()
    dj("case", "close", str(case), "--resolution", "done")
    assert dj("case", "use-article", str(case), str(article))["status"] == "closed"
    assert dj("case", "use-article", str(case), str(draft))["version"] == 4
    for args, code, says in [
        (("case", "use-article", str(case), "99"), 3, "no article 99"),
        (("case", "use-article", "99", str(article)), 3, "no case 99"),
        (("case", "use-article", str(case), str(archived)), 4, f"article {archived} is archived"),
        (("case", "use-article", str(case), "0"), 2, ""),
        (("case", "use-article", str(case), "x"), 2, ""),
        (("case", "use-article", str(case)), 2, ""),
    ]:
        result = desk(*args)
        assert result.exit_code == code, (args, result.output)
        assert says in result.stderr and "Traceback" not in result.output
    assert dj("case", "show", str(case))["version"] == 4
    assert sql("SELECT count(*) FROM kb_use")[0][0] == 2


def test_resolve_with_an_article_is_one_change(
    dj: Dj, desk: Desk, new_case: NewCase, sql: Callable[..., list[Any]]
) -> None:
    article = add(dj, "Refund a double charge", "Refund the second one.")
    archived = add(dj, "Old refunds", "Call the bank.")
    dj("kb", "archive", str(archived))
    case = str(new_case())
    for wrong, code in (("99", 3), (str(archived), 4)):
        refused = desk("case", "resolve", case, "--resolution", "Refunded", "--article", wrong)
        assert refused.exit_code == code, refused.output
        shown = dj("case", "show", case)
        assert (shown["status"], shown["version"]) == ("new", 1)  # nothing was written
    resolved = dj("case", "resolve", case, "--resolution", "Refunded", "--article", str(article))
    assert (resolved["status"], resolved["version"]) == ("resolved", 2)
    kinds = [e["kind"] for e in dj("case", "show", case)["events"]]
    assert kinds == ["opened", "resolved", "kb_used"]
    assert dj("kb", "show", str(article))["uses"] == 1
    assert sql("SELECT case_id, article_id FROM kb_use") == [(int(case), article)]
    # Already used, then resolved again with it: the resolution alone is new.
    dj("case", "reopen", case, "--reason", "not fixed")
    said = desk("case", "resolve", case, "-r", "Refunded again", "--article", str(article))
    assert said.exit_code == 0 and f"Article {article} recorded as used." in said.stdout
    assert len(events(dj, int(case), "kb_used")) == 1
    assert dj("kb", "show", str(article))["uses"] == 1


# -- suggestions -----------------------------------------------------------------


def test_case_show_suggests_up_to_three_published_articles_best_first(
    dj: Dj, desk: Desk, new_case: NewCase
) -> None:
    router = add(dj, "Router keeps dropping", "Move it away from the microwave.")
    add(dj, "Modem lights", "What the lights on the router mean.")
    add(dj, "Cable check", "Check the router cable.")
    add(dj, "Signal", "The router needs a new antenna.")
    add(dj, "Router firmware", "Upgrade it.", "--draft")  # drafts are not suggested
    gone = add(dj, "Router reset", "Hold the button.")
    dj("kb", "archive", str(gone))
    add(dj, "Refund a double charge", "Refund the second one.")
    case = new_case("Router dropping every evening")
    shown = suggested(desk, case)
    assert len(shown) == 3 and shown[0] == f"{router} Router keeps dropping"  # title words first
    assert not any("firmware" in line or "reset" in line or "Refund" in line for line in shown)
    assert "desk case use-article 1 ID records its use" in desk("case", "show", str(case)).stdout
    # The JSON is the case as before: no suggestions in it.
    record = dj("case", "show", str(case))
    assert "suggestions" not in json.dumps(list(record))


def test_suggestions_read_the_description_and_the_latest_customer_message(
    dj: Dj, desk: Desk, new_case: NewCase
) -> None:
    refund = add(dj, "Refund a double charge", "Refund the second one.")
    invoice = add(dj, "Facturación electrónica", "Where the invoices are.")
    case = new_case("Help please", "--body", "Something about my account")
    assert suggested(desk, case) == []  # nothing matches: nothing is printed at all
    assert "Articles that may help" not in desk("case", "show", str(case)).stdout
    dj("case", "inbound", str(case), "I see a double charge on my card")
    assert suggested(desk, case) == [f"{refund} Refund a double charge"]
    other = new_case("Question", "--body", "La FACTURACION no llega")  # folded, as searched
    assert suggested(desk, other) == [f"{invoice} Facturación electrónica"]


def test_suggestions_drop_short_and_common_words_and_cap_them(
    dj: Dj, desk: Desk, new_case: NewCase
) -> None:
    add(dj, "Wi", "The one about wi.")  # only a two-letter word and a common one
    late = add(dj, "Zebra crossing", "Word thirteen.")
    words = " ".join(f"word{chr(97 + i)}" for i in range(12))
    case = new_case(f"The wi {words} zebra")  # zebra is the thirteenth word: left out
    assert suggested(desk, case) == []
    close = new_case("Zebra crossing wi")
    assert suggested(desk, close) == [f"{late} Zebra crossing"]


def test_suggested_titles_print_literally(dj: Dj, desk: Desk, new_case: NewCase) -> None:
    article = add(dj, "[bold red]Router[/] dropping", "Move it.")
    case = new_case("Router dropping")
    assert suggested(desk, case) == [f"{article} [bold red]Router[/] dropping"]


# -- desk kb gaps ------------------------------------------------------------------


def test_gaps_group_unhelped_cases_and_count_empty_searches(
    dj: Dj, desk: Desk, new_case: NewCase
) -> None:
    article = add(dj, "Refund a double charge", "Refund the second one.")
    batch = []
    for n in range(7):
        case = new_case(f"Charged twice {n}", "--category", "billing")
        dj("case", "resolve", str(case), "-r", "Refunded", "--root-cause", "batch ran twice")
        batch.append(case)
    helped = new_case("Charged twice again", "--category", "billing")
    dj("case", "resolve", str(helped), "-r", "Refunded", "--root-cause", "batch ran twice",
       "--article", str(article))  # fmt: skip
    network = new_case("No signal", "--category", "network")
    dj("case", "close", str(network), "--resolution", "Replaced the modem")
    old = new_case("Long ago", "--category", "billing")
    dj("case", "resolve", str(old), "-r", "x", "--root-cause", "batch ran twice", env=LONG_AGO)
    new_case("Still open", "--category", "billing")
    for query in ("zebra crossing", "Zebra-crossing", "zebra crossing", "nothing here", "-"):
        dj("kb", "search", query)
    dj("kb", "search", "refund")  # found something: not a gap
    dj("kb", "search", "old gap", env=LONG_AGO)

    gaps = dj("kb", "gaps")
    assert list(gaps) == ["since", "cases", "searches"]
    assert gaps["cases"] == [
        {"category": "billing", "root_cause": "batch ran twice", "count": 7,
         "case_ids": sorted(batch, reverse=True)[:5]},
        {"category": "network", "root_cause": None, "count": 1, "case_ids": [network]},
    ]  # fmt: skip
    assert [(s["query"], s["count"]) for s in gaps["searches"]] == [
        ("zebra crossing", 3),
        ("nothing here", 1),
    ]
    assert all(s["last_at"] for s in gaps["searches"])
    limited = dj("kb", "gaps", "--limit", "1")
    assert [g["count"] for g in limited["cases"]] == [7] and len(limited["searches"]) == 1
    everything = dj("kb", "gaps", "--since", "36500d", "--limit", "0")
    assert everything["cases"][0]["count"] == 8  # the old case too
    assert ("old gap", 1) in [(s["query"], s["count"]) for s in everything["searches"]]

    human = desk("kb", "gaps")
    assert human.exit_code == 0
    assert "Resolved cases that used no article" in human.stdout
    assert "batch ran twice" in human.stdout and ", ..." in human.stdout
    assert "Searches that found nothing" in human.stdout and "zebra crossing" in human.stdout


def test_gaps_when_there_are_none_and_bad_values(desk: Desk, dj: Dj) -> None:
    assert dj("kb", "gaps")["cases"] == [] and dj("kb", "gaps")["searches"] == []
    human = desk("kb", "gaps", "--since", "2w")
    assert human.exit_code == 0
    assert "Every case resolved since" in human.stdout
    assert "No search came back empty" in human.stdout
    for args in (("--since", "soon"), ("--since", "0x"), ("--limit", "-1")):
        result = desk("kb", "gaps", *args)
        assert result.exit_code == 2 and result.stderr.startswith("desk: error:"), args


# -- at a terminal: the answer step ------------------------------------------------


@pytest.mark.sqlite_only  # the terminal flow is the same code on every backend
def test_the_answer_step_of_assist_suggests_articles(
    db_path: Path, dj: Dj, new_case: NewCase
) -> None:
    import pexpect

    article = add(dj, "Refund a [b]double[/b] charge", "Refund the second one.")
    case = new_case("Double charge on my card")
    dj("assist", str(case), "--step", "acknowledge", "--text", "I hear you")
    dj("assist", str(case), "--step", "apologize", "--text", "Sorry about that")
    child = pexpect.spawn(
        sys.executable, ["-m", "deskcli", "assist", str(case)], env=subprocess_env(db_path),
        encoding="utf-8", timeout=60, dimensions=(50, 110), preexec_fn=default_sigint,
    )  # fmt: skip
    child.expect("Step 3/5: Answer")
    child.expect("Articles that may help")
    child.expect_exact(str(article))
    child.expect_exact(" Refund a [b]double[/b] charge")  # literally, after its id
    child.expect_exact(f"desk case use-article {case} ID records its use")
    child.expect("> ")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
