"""`desk assist` without a terminal: the exact contract for scripts, in both languages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Desk

STEPS = ["acknowledge", "apologize", "answer", "analyze", "adjust"]


def state(dj: Callable[..., Any], case: int) -> dict[str, Any]:
    return dj("assist", str(case))


def statuses(dj: Callable[..., Any], case: int) -> list[str]:
    return [s["status"] for s in state(dj, case)["steps"]]


def test_state_of_a_fresh_case(dj: Callable[..., Any], new_case: Callable[..., int]) -> None:
    case = new_case()
    s = state(dj, case)
    assert s["case_id"] == case and s["next"] == "acknowledge" and s["handling_seconds"] == 0
    assert [x["name"] for x in s["steps"]] == STEPS
    assert {k for x in s["steps"] for k in x} >= {"name", "status", "text", "reason", "at"}
    assert all(x["status"] == "pending" and x["text"] is None for x in s["steps"])


def test_steps_one_by_one_with_effects(
    dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    dj("assist", case, "--step", "acknowledge", "--text", "I hear you: two charges.")
    dj("assist", case, "--step", "apologize", "--skip", "--reason", "bank error, not ours")
    before = dj("case", "show", case)  # the acknowledgement is the first response
    assert before["first_response_at"] is not None and before["status"] == "open"
    answered = dj(
        "assist", case, "--step", "answer", "--text", "-", input="Refund today.\nWhich card?\n"
    )
    assert answered["steps"][2]["text"] == "Refund today.\nWhich card?"
    shown = dj("case", "show", case)
    assert shown["first_response_at"] is not None and shown["status"] == "open"
    dj("assist", case, "--step", "analyze", "--text", "billing batch ran twice")
    assert dj("case", "show", case)["root_cause"] == "billing batch ran twice"
    done = dj(
        "assist",
        case,
        "--step",
        "adjust",
        "--text",
        "KB article on double charges",
        "--then",
        "resolve",
        "--resolution",
        "Refunded the second charge",
    )
    assert done["next"] is None
    assert [x["status"] for x in done["steps"]] == ["done", "skipped", "done", "done", "done"]
    assert done["steps"][1]["reason"] == "bank error, not ours"
    final = dj("case", "show", case)
    assert final["status"] == "resolved" and final["resolution"] == "Refunded the second charge"
    assert final["root_cause"] == "billing batch ran twice"
    kinds = [e["kind"] for e in final["events"]]
    assert kinds == (
        ["opened", "assigned", "reply", "assist_step", "assist_step", "reply"]
        + ["assist_step"] * 3
        + ["resolved"]
    )
    assert [e["data"]["step"] for e in final["events"] if e["kind"] == "assist_step"] == STEPS


def test_answer_does_not_reset_an_existing_first_response(
    dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    first = dj("case", "reply", case, "hello")["first_response_at"]
    dj(
        "assist",
        case,
        "--answers",
        "-",
        input=json.dumps(
            {
                "acknowledge": "heard",
                "apologize": "sorry",
                "answer": "fix coming",
            }
        ),
    )
    assert dj("case", "show", case)["first_response_at"] == first


@pytest.mark.parametrize(
    ("then", "check"),
    [
        (
            ["--then", "escalate", "--to", "billing", "--reason", "over my limit"],
            {"status": "escalated", "team": "billing", "tier": 2},
        ),
        (["--then", "pending"], {"status": "pending"}),
        (["--then", "leave"], {"status": "open"}),
        ([], {"status": "open"}),
    ],
)
def test_adjust_actions(
    dj: Callable[..., Any], new_case: Callable[..., int], then: list[str], check: dict[str, Any]
) -> None:
    case = str(new_case())
    dj(
        "assist",
        case,
        "--answers",
        "-",
        input=json.dumps(
            {
                "acknowledge": "a",
                "apologize": {"skip": "no fault"},
                "answer": "b",
                "analyze": "c",
            }
        ),
    )
    dj("assist", case, "--step", "adjust", "--text", "d", *then)
    shown = dj("case", "show", case)
    assert {k: shown[k] for k in check} == check


def test_adjust_follow_up(dj: Callable[..., Any], new_case: Callable[..., int]) -> None:
    case = str(new_case())
    answers = {
        "acknowledge": "a",
        "apologize": "sorry",
        "answer": "b",
        "analyze": "c",
        "adjust": "d",
        "then": {"action": "follow-up", "in": "3d"},
    }
    dj("assist", case, "--answers", "-", input=json.dumps(answers))
    assert dj("case", "show", case)["follow_up_at"] is not None
    assert [c["id"] for c in dj("follow-ups")] == [int(case)]


def test_answers_file_is_all_or_nothing_and_idempotent(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int], tmp_path: Any
) -> None:
    case = str(new_case())
    dj("assist", case, "--step", "acknowledge", "--text", "first take")
    answers = {
        "acknowledge": "ignored, already done",
        "apologize": {"skip": "not needed"},
        "answer": "proposal",
        "analyze": "cause",
        "adjust": "change",
        "then": {"action": "resolve", "resolution": "fixed", "root_cause": "cause"},
    }
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    result = dj("assist", case, "--answers", str(path))
    assert result["next"] is None
    assert result["steps"][0]["text"] == "first take"  # already done: left as it is
    assert dj("case", "show", case)["status"] == "resolved"
    # A retried script changes nothing and does not act twice.
    again = desk("assist", case, "--answers", str(path), "--json")
    assert again.exit_code == 0, again.output  # every step is done: nothing to record
    events = dj("case", "show", case)["events"]
    assert [e["kind"] for e in events].count("resolved") == 1

    other = str(new_case("other"))
    bad = {
        "acknowledge": "a",
        "apologize": {"skip": "x"},
        "answer": "b",
        "analyze": "c",
        "adjust": "d",
        "then": {"action": "escalate", "to": "", "reason": "r"},
    }
    refused = desk("assist", other, "--answers", "-", input=json.dumps(bad))
    assert refused.exit_code == 2
    assert statuses(dj, int(other)) == ["pending"] * 5  # nothing recorded


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"acknowledge": "a", "greet": "b"}', "unknown step 'greet'"),
        ('{"answer": "a", "acknowledge": "b"}', "in order"),
        ('{"acknowledge": 5}', "invalid answers at acknowledge"),
        ('{"acknowledge": "a", "then": {"action": "dance"}}', "unknown action 'dance'"),
    ],
)
def test_bad_answers_are_exit_2(
    desk: Desk, new_case: Callable[..., int], answers: str, message: str
) -> None:
    case = str(new_case())
    result = desk("assist", case, "--answers", "-", input=answers)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_refusals(desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]) -> None:
    case = str(new_case())
    early = desk("assist", case, "--step", "answer", "--text", "x")
    assert early.exit_code == 4 and "record the acknowledge step" in early.stderr
    dj("assist", case, "--step", "acknowledge", "--text", "heard")
    skip_needed = desk("assist", case, "--step", "answer", "--text", "x")
    assert skip_needed.exit_code == 4 and "--skip" in skip_needed.stderr
    cannot_skip = desk("assist", case, "--step", "answer", "--skip", "--reason", "r")
    assert cannot_skip.exit_code == 2 and "cannot be skipped" in cannot_skip.stderr
    twice = desk("assist", case, "--step", "acknowledge", "--text", "again")
    assert twice.exit_code == 4 and "already recorded" in twice.stderr
    unknown = desk("assist", case, "--step", "greet", "--text", "x")
    assert unknown.exit_code == 2 and "unknown step 'greet'" in unknown.stderr
    no_text = desk("assist", case, "--step", "apologize")
    assert no_text.exit_code == 2
    empty = desk("assist", case, "--step", "apologize", "--text", "  ")
    assert empty.exit_code == 2
    bad_action = desk("assist", case, "--step", "apologize", "--text", "x", "--then", "dance")
    assert bad_action.exit_code == 2 and "unknown action 'dance'" in bad_action.stderr
    then_early = desk("assist", case, "--step", "apologize", "--text", "x", "--then", "pending")
    assert then_early.exit_code == 2 and "adjust" in then_early.stderr
    text_alone = desk("assist", case, "--text", "x")
    assert text_alone.exit_code == 2
    missing_case = desk("assist", "999")
    assert missing_case.exit_code == 3
    assert statuses(dj, int(case)) == ["done"] + ["pending"] * 4
    dj("case", "close", case, "--resolution", "done")
    closed = desk("assist", case, "--step", "apologize", "--text", "sorry")
    assert closed.exit_code == 4 and "is closed" in closed.stderr


def test_refused_action_rolls_back_the_adjust_step(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    dj(
        "assist",
        case,
        "--answers",
        "-",
        input=json.dumps({"acknowledge": "a", "apologize": "b", "answer": "c", "analyze": "d"}),
    )
    dj("case", "pending", case)
    refused = desk("assist", case, "--step", "adjust", "--text", "x", "--then", "pending")
    assert refused.exit_code == 4 and "already waiting" in refused.stderr
    assert statuses(dj, int(case))[-1] == "pending"  # the adjust step was not kept


def test_without_a_terminal_and_no_step_prints_the_state(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    dj("assist", case, "--step", "acknowledge", "--text", "heard [bold]you[/]")
    result = desk("assist", case)
    assert result.exit_code == 0
    assert "Acknowledge" in result.stdout and "heard [bold]you[/]" in result.stdout
    assert "Next step: Apologize (if needed)" in result.stdout


def test_spanish(desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]) -> None:
    case = str(new_case())
    dj("assist", case, "--step", "acknowledge", "--text", "le escuché")
    out = desk("--lang", "es", "assist", case).stdout
    for word in (
        "Reconocimiento",
        "Pedir disculpas",
        "Responda (y pregunte)",
        "Analice",
        "Ajustar",
        "Siguiente paso",
        "Tiempo de atención",
    ):
        assert word in out, word
    refused = desk("assist", case, "--step", "answer", "--text", "x", env={"DESK_LANG": "es"})
    assert refused.exit_code == 4
    assert "registre primero el paso apologize del caso" in refused.stderr
    skip = desk("assist", case, "--step", "answer", "--skip", "--reason", "r", "--lang", "es")
    assert skip.exit_code == 2 and "no se puede omitir" in skip.stderr
    review = desk("assist", case, "--review", "--lang", "es").stdout
    assert "Paso 1/5: Reconocimiento" in review and "le escuché" in review
    # Scripts see the same stable JSON whatever the language.
    assert dj("--lang", "es", "assist", case)["next"] == "apologize"


def test_unknown_language_is_exit_2(desk: Desk) -> None:
    result = desk("--lang", "fr", "case", "list")
    assert result.exit_code == 2 and "unknown language 'fr'" in result.stderr


def test_review_and_case_show_hold_the_transcript(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    dj(
        "assist",
        case,
        "--answers",
        "-",
        input=json.dumps(
            {
                "acknowledge": "I hear you [red]now[/]",
                "apologize": {"skip": "no fault"},
                "answer": "refund \x1b[31m today",
            }
        ),
    )
    review = desk("assist", case, "--review")
    assert review.exit_code == 0
    for text in (
        "Step 1/5: Acknowledge",
        "I hear you [red]now[/]",
        "Skipped because: no fault",
        "refund \\x1b[31m today",
        "Handling time",
    ):
        assert text in review.stdout, text
    assert "\x1b" not in review.stdout
    shown = desk("case", "show", case)
    assert "Step 3/5: Answer (and ask)" in shown.stdout and "Handling time" in shown.stdout
    assert dj("case", "show", case)["assist"]["next"] == "analyze"


def test_script_steps_count_the_time_between_them(
    dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    from datetime import timedelta

    from deskcli import times

    case = new_case()
    start = times.now()
    with times.frozen(start):
        dj("assist", str(case), "--step", "acknowledge", "--text", "a")
    with times.frozen(start + timedelta(seconds=90)):
        dj("assist", str(case), "--step", "apologize", "--text", "b")
    with times.frozen(start + timedelta(hours=5)):  # a new conversation: the gap does not count
        result = dj("assist", str(case), "--step", "answer", "--text", "c")
    assert [s["seconds"] for s in result["steps"][:3]] == [0, 90, 0]
    assert result["handling_seconds"] == 90
    assert dj("case", "show", str(case))["handling_seconds"] == 90


def test_the_first_step_takes_an_unowned_case(
    dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    dj("assist", case, "--step", "acknowledge", "--text", "I hear you.", "--as", "bob")
    dj("assist", case, "--step", "apologize", "--text", "Sorry.", "--as", "bob")
    shown = dj("case", "show", case)
    assert shown["assignee"] == "bob" and shown["status"] == "open"
    assigned = [e for e in shown["events"] if e["kind"] == "assigned"]
    assert [(e["agent"], e["data"]["from"], e["data"]["to"]) for e in assigned] == [
        ("bob", None, "bob")
    ]  # once, on the first step, through the same event as `desk case take`


def test_a_step_on_a_case_owned_by_someone_else_does_not_take_it(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    dj("case", "assign", case, "--to", "sam")
    dj("assist", case, "--answers", "-", input='{"acknowledge": "I hear you."}')
    shown = dj("case", "show", case)
    assert shown["assignee"] == "sam"
    assert [e["data"]["to"] for e in shown["events"] if e["kind"] == "assigned"] == ["sam"]


def test_what_the_customer_hears_is_a_reply(
    dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    dj("assist", case, "--step", "acknowledge", "--text", "I hear you: two charges.")
    shown = dj("case", "show", case)
    assert shown["status"] == "open" and shown["first_response_at"] is not None
    first_response = shown["first_response_at"]
    dj("assist", case, "--step", "apologize", "--skip", "--reason", "not our error")
    dj("assist", case, "--step", "answer", "--text", "Refund today. Which card?")
    dj("assist", case, "--step", "analyze", "--text", "batch ran twice")
    dj("assist", case, "--step", "adjust", "--text", "KB article")
    shown = dj("case", "show", case)
    replies = [(e["body"], e["data"]["first"]) for e in shown["events"] if e["kind"] == "reply"]
    assert replies == [("I hear you: two charges.", True), ("Refund today. Which card?", False)]
    assert shown["first_response_at"] == first_response
    case2 = str(new_case())
    dj("assist", case2, "--step", "acknowledge", "--text", "Heard.")
    dj("assist", case2, "--step", "apologize", "--text", "We are sorry.")
    events = dj("case", "show", case2)["events"]
    assert [e["body"] for e in events if e["kind"] == "reply"] == ["Heard.", "We are sorry."]


@pytest.mark.parametrize("verb", ["resolve", "close"])
def test_without_a_terminal_a_resolved_or_closed_case_says_so(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int], verb: str
) -> None:
    case = str(new_case())
    dj("case", verb, case, "--resolution", "Refunded")
    result = desk("assist", case)
    assert result.exit_code == 0, result.output
    status = "resolved" if verb == "resolve" else "closed"
    assert f"Case {case} is {status}: no step can be recorded." in result.stdout
    assert "Next step" not in result.stdout
    spanish = desk("--lang", "es", "assist", case)
    assert spanish.exit_code == 0 and "no se puede registrar" in spanish.stdout


def test_unknown_steps_and_actions_say_what_is_accepted(
    desk: Desk, new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    step = desk("assist", case, "--step", "acknowlege", "--text", "hi")
    assert step.exit_code == 2
    assert (
        "unknown step 'acknowlege' (did you mean 'acknowledge'?); use one of: acknowledge, "
        "apologize, answer, analyze, adjust" in step.stderr
    )
    desk("assist", case, "--step", "acknowledge", "--text", "hi")
    desk("assist", case, "--step", "apologize", "--skip", "--reason", "none due")
    desk("assist", case, "--step", "answer", "--text", "a")
    desk("assist", case, "--step", "analyze", "--text", "b")
    action = desk("assist", case, "--step", "adjust", "--text", "c", "--then", "resolv")
    assert action.exit_code == 2
    assert "unknown action 'resolv' (did you mean 'resolve'?); use one of:" in action.stderr
    spanish = desk("--lang", "es", "assist", case, "--step", "ajustar", "--text", "x")
    assert spanish.exit_code == 2 and "paso desconocido 'ajustar'" in spanish.stderr
    assert "use uno de: acknowledge" in spanish.stderr


def test_relative_times_in_the_guided_flow_speak_its_language() -> None:
    from datetime import timedelta

    from deskcli import times
    from deskcli.workflow.i18n import translator

    now = times.now()
    spanish = translator("es")
    assert times.ago(now - timedelta(hours=3), now, spanish) == "hace 3 h"
    assert times.ago(now + timedelta(days=3), now, spanish) == "dentro de 3 d"
    assert times.ago(now, now, spanish) == "ahora mismo"
    assert times.ago(now - timedelta(hours=3), now) == "3 h ago"
