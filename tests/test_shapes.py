"""The export format and the public JSON describe the same records."""

from __future__ import annotations

from deskcli import shapes
from deskcli.services import transfer


def test_an_exported_case_has_the_fields_of_a_case_in_json() -> None:
    # customer_name is shown with a case; the export names its customer once, by
    # CRN.  Its clocks (sla) travel as records of their own.
    json_fields = set(shapes.CaseRecord.__annotations__) - {"customer_name", "sla"}
    assert set(transfer.CASE_FIELDS) == json_fields


def test_exported_customers_and_events_have_their_json_fields() -> None:
    assert set(transfer.CUSTOMER_FIELDS) == set(shapes.CustomerRecord.__annotations__)
    assert set(transfer.EVENT_FIELDS) - {"case_id"} == set(shapes.EventRecord.__annotations__)
