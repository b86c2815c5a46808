"""QA reviews on the six pillars and three P's (issue 14) through the real
command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk
from tests.test_completion import complete

Json = Callable[..., Any]

GOOD = ("--personalization", "8", "--integrity", "9", "--expectations", "7",
        "--resolution", "9", "--time-effort", "6", "--empathy", "8")  # fmt: skip
PILLARS = ["personalization", "integrity", "expectations", "resolution", "time_effort", "empathy"]


def scores(**given: int) -> tuple[str, ...]:
    """The options of a review: GOOD with `given` scores changed or added."""
    values = dict(zip(GOOD[::2], GOOD[1::2], strict=True))
    for name, value in given.items():
        values["--" + name.replace("_", "-")] = str(value)
    return tuple(part for item in values.items() for part in item)


def resolved(dj: Json, new_case: Callable[..., int], *, by: str = "bob", at: str = "") -> int:
    case_id = new_case()
    env = {"DESK_NOW": at} if at else None
    dj("case", "take", str(case_id), "--as", by, env=env)
    dj("case", "resolve", str(case_id), "-r", "Refunded", "--as", by, env=env)
    return case_id


def test_a_review_scores_the_mean_of_the_six_pillars(
    dj: Json, desk: Desk, new_case: Callable[..., int]
) -> None:
    case_id = resolved(dj, new_case)
    version = dj("case", "show", str(case_id))["version"]
    review = dj("case", "review", str(case_id), *scores(patience=5),
                env={"DESK_NOW": "2026-03-02T10:00:00+00:00"})  # fmt: skip
    assert review == {
        "case_id": case_id,
        "reviewer": "alice",
        "agent": "bob",
        # The P's only when given.
        "scores": {
            "personalization": 8,
            "integrity": 9,
            "expectations": 7,
            "resolution": 9,
            "time_effort": 6,
            "empathy": 8,
            "patience": 5,
        },  # fmt: skip
        "score": round(47 / 6, 2),
        "flagged": False,
        "comment": "",
        "at": "2026-03-02T10:00:00+00:00",
    }
    shown = dj("case", "show", str(case_id))
    assert shown["version"] == version + 1  # the write path bumped it
    event = shown["events"][-1]
    assert event["kind"] == "review" and event["agent"] == "alice"
    assert event["data"]["score"] == 7.83 and event["data"]["agent"] == "bob"
    assert shown["reviews"] == [review]
    human = desk("case", "review", str(case_id), *scores(empathy=10), "--replace", "--as", "carl")
    assert human.exit_code == 0
    assert human.stdout.strip() == f"Review recorded on case {case_id} for bob: score 8.2."


def test_integrity_below_five_scores_zero_and_flags(
    dj: Json, desk: Desk, new_case: Callable[..., int]
) -> None:
    case_id = resolved(dj, new_case)
    review = dj("case", "review", str(case_id), *scores(integrity=4, empathy=10))
    assert review["score"] == 0 and review["flagged"] is True
    assert review["scores"]["integrity"] == 4
    other = resolved(dj, new_case)
    edge = dj("case", "review", str(other), *scores(integrity=5))
    assert edge["flagged"] is False and edge["score"] == round((8 + 5 + 7 + 9 + 6 + 8) / 6, 2)
    listed = desk("review", "list")
    assert listed.exit_code == 0
    by_case = {line.split()[2]: line for line in listed.stdout.splitlines()[1:]}
    assert "FLAGGED" in by_case[str(case_id)]
    assert "FLAGGED" not in by_case[str(other)]


@pytest.mark.parametrize(
    "bad",
    [
        ("--integrity", "11"),
        ("--integrity", "-1"),
        ("--empathy", "7.5"),
        ("--resolution", "ten"),
        ("--patience", "12"),
        ("--people-first", " "),
        ("--time-effort", "٣"),
    ],  # fmt: skip
)
def test_scores_are_whole_numbers_from_0_to_10(
    dj: Json, desk: Desk, new_case: Callable[..., int], bad: tuple[str, str]
) -> None:
    case_id = resolved(dj, new_case)
    version = dj("case", "show", str(case_id))["version"]
    result = desk("case", "review", str(case_id), *scores(**{bad[0][2:].replace("-", "_"): 0}),
                  *bad)  # fmt: skip
    assert result.exit_code == 2
    assert f"desk: error: {bad[0]} takes a whole number from 0 to 10" in result.stderr
    assert "Traceback" not in result.output
    shown = dj("case", "show", str(case_id))
    assert shown["version"] == version and shown["reviews"] == []


def test_every_pillar_is_required(dj: Json, desk: Desk, new_case: Callable[..., int]) -> None:
    case_id = resolved(dj, new_case)
    without_empathy = GOOD[:-2]
    result = desk("case", "review", str(case_id), *without_empathy)
    assert result.exit_code == 2
    assert "--empathy" in result.stderr
    assert dj("case", "show", str(case_id))["reviews"] == []


def test_only_a_resolved_or_closed_case_is_reviewed(
    dj: Json, desk: Desk, new_case: Callable[..., int]
) -> None:
    case_id = new_case()
    result = desk("case", "review", str(case_id), *GOOD)
    assert result.exit_code == 4
    assert f"desk: error: case {case_id} is new; only a resolved or closed case" in result.stderr
    dj("case", "pending", str(case_id))
    result = desk("case", "review", str(case_id), *GOOD)
    assert result.exit_code == 4 and "is pending" in result.stderr
    dj("case", "close", str(case_id), "--resolution", "done", "--as", "dora")
    review = dj("case", "review", str(case_id), *GOOD)
    assert review["agent"] == "dora"  # a bulk close that resolves records who resolved
    missing = desk("case", "review", "999", *GOOD)
    assert missing.exit_code == 3


def test_one_review_per_reviewer_unless_replace(
    dj: Json, desk: Desk, new_case: Callable[..., int]
) -> None:
    case_id = resolved(dj, new_case)
    first = dj("case", "review", str(case_id), *GOOD, "--comment", "first")
    again = desk("case", "review", str(case_id), *scores(integrity=2), "--as", "ALICE ")
    assert again.exit_code == 4  # reviewer names fold like assignees
    assert f"case {case_id} was already reviewed by ALICE" in again.stderr
    assert "--replace" in again.stderr
    assert dj("case", "show", str(case_id))["reviews"] == [first]
    other = dj("case", "review", str(case_id), *GOOD, "--as", "carl")
    assert other["reviewer"] == "carl"
    replaced = dj("case", "review", str(case_id), *scores(integrity=2), "--replace",
                  "--as", "Alice", "--comment", "second")  # fmt: skip
    assert replaced["flagged"] is True and replaced["comment"] == "second"
    assert replaced["reviewer"] == "Alice"
    shown = dj("case", "show", str(case_id))
    assert [r["reviewer"] for r in shown["reviews"]] == ["carl", "Alice"]
    events = [e for e in shown["events"] if e["kind"] == "review"]
    assert [e["data"]["replaced"] for e in events] == [False, False, True]
    assert [e["body"] for e in events] == ["first", "", "second"]
    listed = dj("review", "list")
    assert len(listed) == 2


def test_the_agent_is_who_resolved_the_case_last(dj: Json, new_case: Callable[..., int]) -> None:
    case_id = resolved(dj, new_case, by="bob")
    dj("case", "reopen", str(case_id), "--reason", "still broken")
    dj("case", "take", str(case_id), "--as", "Carol", "--steal")
    dj("case", "resolve", str(case_id), "-r", "Fixed", "--as", "Carol")
    assert dj("case", "review", str(case_id), *GOOD)["agent"] == "Carol"
    assert [r["case_id"] for r in dj("review", "list", "--agent", "carol")] == [case_id]
    assert dj("review", "list", "--agent", "bob") == []


def test_comment_from_stdin_inert_markup_and_its_limit(
    dj: Json, desk: Desk, new_case: Callable[..., int]
) -> None:
    case_id = resolved(dj, new_case)
    markup = "[bold red]great[/] \x1b[31mcall\x1b[0m"
    review = dj("case", "review", str(case_id), *GOOD, "--comment", "-", input=markup + "\n")
    assert review["comment"] == markup
    assert "QA reviews" in desk("case", "show", str(case_id)).stdout
    for args in (("review", "list"), ("case", "show", str(case_id))):
        shown = desk(*args)
        assert shown.exit_code == 0
        assert "[bold red]great[/]" in shown.stdout  # printed as typed, not as markup
        assert "alice" in shown.stdout and "FLAGGED" not in shown.stdout
        assert "\x1b" not in shown.stdout  # control characters never reach the terminal
    other = resolved(dj, new_case)
    too_long = desk("case", "review", str(other), *GOOD, "--comment", "-",
                    input="x" * (1024 * 1024 + 1))  # fmt: skip
    assert too_long.exit_code == 2
    assert "the limit is 1,048,576" in too_long.stderr
    assert dj("case", "show", str(other))["reviews"] == []


def test_review_list_newest_first_within_since(
    dj: Json, desk: Desk, new_case: Callable[..., int]
) -> None:
    old = resolved(dj, new_case, at="2026-01-01T09:00:00+00:00")
    dj("case", "review", str(old), *GOOD, env={"DESK_NOW": "2026-01-02T09:00:00+00:00"})
    recent = resolved(dj, new_case, by="eve", at="2026-03-01T09:00:00+00:00")
    dj("case", "review", str(recent), *scores(integrity=1),
       env={"DESK_NOW": "2026-03-01T10:00:00+00:00"})  # fmt: skip
    newer = resolved(dj, new_case, by="eve", at="2026-03-01T09:00:00+00:00")
    dj("case", "review", str(newer), *GOOD, env={"DESK_NOW": "2026-03-01T11:00:00+00:00"})
    now = {"DESK_NOW": "2026-03-02T09:00:00+00:00"}
    assert [r["case_id"] for r in dj("review", "list", env=now)] == [newer, recent]
    everything = dj("review", "list", "--since", "90d", env=now)
    assert [r["case_id"] for r in everything] == [newer, recent, old]
    of_eve = dj("review", "list", "--agent", "EVE", env=now)
    assert [r["case_id"] for r in of_eve] == [newer, recent]
    table = desk("review", "list", env=now)
    header, *lines = table.stdout.splitlines()
    assert header.split() == ["When", "Case", "Agent", "Reviewer", "Score", "Flag", "Comment"]
    assert [line.split()[2] for line in lines] == [str(newer), str(recent)]
    assert "FLAGGED" in lines[1] and "0.0" in lines[1]
    empty = desk("review", "list", "--since", "1d", env={"DESK_NOW": "2027-01-01T00:00:00+00:00"})
    assert empty.exit_code == 0 and "No reviews" in empty.stdout
    bad = desk("review", "list", "--since", "soon")
    assert bad.exit_code == 2 and bad.stderr.startswith("desk: error:")


def test_reviews_travel_through_export_and_import(
    dj: Json, desk: Desk, new_case: Callable[..., int], tmp_path: Path,
    second_db: dict[str, str],
) -> None:  # fmt: skip
    case_id = resolved(dj, new_case)
    dj("case", "review", str(case_id), *scores(people_first=9), "--comment", "kind")
    dj("case", "review", str(case_id), *scores(integrity=0), "--as", "carl")
    out = tmp_path / "desk.jsonl"
    assert desk("export", "--out", str(out)).exit_code == 0
    types = [json.loads(line)["type"] for line in out.read_text().splitlines()]
    assert types.count("review") == 2
    before = dj("case", "show", str(case_id))["reviews"]
    imported = desk("import", str(out), "--json", env=second_db)
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["reviews"] == 2
    assert dj("case", "show", str(case_id), env=second_db)["reviews"] == before
    listed = dj("review", "list", "--agent", "bob", env=second_db)
    assert [r["reviewer"] for r in listed] == ["carl", "alice"]
    # Again: identical records are skipped.
    again = desk("import", str(out), "--json", env=second_db)
    assert again.exit_code == 0 and json.loads(again.stdout)["reviews"] == 0
    lines = out.read_text().splitlines()

    def changed(**values: Any) -> Path:
        edited = tmp_path / "edited.jsonl"
        edited.write_text("\n".join(
            json.dumps({**json.loads(line), **values}) if '"type":"review"' in line else line
            for line in lines
        ) + "\n")  # fmt: skip
        return edited

    # A changed review is a conflict, and nothing is imported.
    conflict = desk("import", str(changed(comment="edited")), env=second_db)
    assert conflict.exit_code == 4 and "review" in conflict.stderr and "comment" in conflict.stderr
    # A score that does not follow from the pillars, or out of range, is a bad line.
    for bad in ({"score": 1.5}, {"flagged": True}, {"integrity": 11}, {"patience": -1}):
        refused = desk("import", str(changed(**bad)), env=second_db)
        assert refused.exit_code == 2, bad
    assert dj("case", "show", str(case_id), env=second_db)["reviews"] == before


def test_an_export_without_reviews_or_targets_still_imports(
    dj: Json, desk: Desk, new_case: Callable[..., int], tmp_path: Path,
    second_db: dict[str, str],
) -> None:  # fmt: skip
    case_id = resolved(dj, new_case)
    dj("case", "review", str(case_id), *GOOD)
    out = tmp_path / "desk.jsonl"
    assert desk("export", "--out", str(out)).exit_code == 0
    older = [line for line in out.read_text().splitlines()
             if json.loads(line)["type"] not in ("review", "target")]  # fmt: skip
    out.write_text("\n".join(older) + "\n")
    imported = desk("import", str(out), "--json", env=second_db)
    assert imported.exit_code == 0, imported.output
    summary = json.loads(imported.stdout)
    assert summary["cases"] == 1 and summary["reviews"] == 0 and summary["targets"] == 0
    assert dj("case", "show", str(case_id), env=second_db)["reviews"] == []


def test_handling_targets_travel_through_export_and_import(
    desk: Desk, dj: Json, sql: Callable[..., Any], tmp_path: Path,
    second_db: dict[str, str],
) -> None:  # fmt: skip
    # `desk report target set` belongs to the report; the row is what it writes.
    dj("customer", "add", "--crn", "C-9", "--name", "Zed")  # makes the database
    sql("INSERT INTO handling_target (category, category_key, handling_seconds, set_at, set_by)"
        " VALUES ('Billing', 'billing', 900, '2026-03-01 09:00:00.000000', 'lead')")  # fmt: skip
    out = tmp_path / "desk.jsonl"
    assert desk("export", "--out", str(out)).exit_code == 0
    targets = [json.loads(line) for line in out.read_text().splitlines()
               if json.loads(line)["type"] == "target"]  # fmt: skip
    assert targets == [{"type": "target", "category": "Billing", "handling_seconds": 900,
                        "set_at": "2026-03-01T09:00:00+00:00", "set_by": "lead"}]  # fmt: skip
    imported = desk("import", str(out), "--json", env=second_db)
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["targets"] == 1
    again = desk("import", str(out), "--json", env=second_db)
    assert json.loads(again.stdout)["targets"] == 0
    text = out.read_text().replace('"handling_seconds":900', '"handling_seconds":60')
    out.write_text(text)
    conflict = desk("import", str(out), env=second_db)
    assert conflict.exit_code == 4 and "target Billing" in conflict.stderr
    bad = out.read_text().replace('"handling_seconds":60', '"handling_seconds":-5')
    out.write_text(bad)
    refused = desk("import", str(out), env=second_db)
    assert refused.exit_code == 2


@pytest.mark.sqlite_only
def test_review_completes_resolved_and_closed_case_ids(
    db_path: Path, dj: Json, new_case: Callable[..., int]
) -> None:
    active = new_case()
    done = resolved(dj, new_case)
    ids, err = complete(db_path, "desk case review ")
    assert ids == [str(done)] and str(active) not in ids
    assert err.endswith("SQLALCHEMY=False")
