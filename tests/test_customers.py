from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import Desk


def test_add_show_list_edit(desk: Desk, dj: Callable[..., Any]) -> None:
    added = dj("customer", "add", "--crn", "C-9", "--name", "Mei Chen", "--phone", "+44 1")
    assert added["crn"] == "C-9" and added["name"] == "Mei Chen" and added["email"] is None
    dj("customer", "add", "--crn", "C-10", "--name", "Northwind Traders")

    assert [c["crn"] for c in dj("customer", "list")] == ["C-9", "C-10"]
    assert [c["crn"] for c in dj("customer", "list", "--search", "north")] == ["C-10"]

    edited = dj("customer", "edit", "C-9", "--email", "mei@example.com", "--name", "Mei Chen Li")
    assert edited["email"] == "mei@example.com" and edited["name"] == "Mei Chen Li"

    shown = desk("customer", "show", "C-9")
    assert shown.exit_code == 0
    assert "Mei Chen Li" in shown.stdout and "mei@example.com" in shown.stdout


def test_duplicate_crn_is_refused_with_exit_4(desk: Desk, customer: str) -> None:
    result = desk("customer", "add", "--crn", customer, "--name", "Someone Else")
    assert result.exit_code == 4
    assert result.stderr.startswith(f"desk: error: a customer with CRN {customer} already exists")


def test_unknown_customer_is_exit_3(desk: Desk) -> None:
    result = desk("customer", "show", "NOPE")
    assert result.exit_code == 3
    assert "desk: error: no customer with CRN NOPE" in result.stderr
    assert desk("case", "open", "--customer", "NOPE", "--subject", "x").exit_code == 3


def test_show_lists_history_newest_first(
    dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    first, second = new_case("First problem"), new_case("Second problem")
    shown = dj("customer", "show", "C-1")
    assert shown["case_count"] == 2
    assert [c["id"] for c in shown["cases"]] == [second, first]


def test_invalid_email_is_exit_2(desk: Desk) -> None:
    result = desk("customer", "add", "--crn", "C-2", "--name", "X", "--email", "not-an-email")
    assert result.exit_code == 2
    assert "invalid email" in result.stderr
