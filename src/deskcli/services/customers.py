"""Customers, found by CRN."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from deskcli import limits, times
from deskcli.errors import Conflict, InvalidValue
from deskcli.folding import name_key, search_text
from deskcli.lang import N_
from deskcli.limits import check_text
from deskcli.reads import queries
from deskcli.reads.rows import CUSTOMER_COLUMNS, CustomerRow
from deskcli.tx import Duplicate, Tx


def _clean_crn(crn: str) -> str:
    crn = crn.strip()
    if not crn or any(ch.isspace() for ch in crn):
        raise InvalidValue(
            N_("invalid CRN {crn!r}: it must be one word, not empty"), params={"crn": crn}
        )
    return check_text(crn, N_("the CRN"), limits.LABEL, one_line=True)


def _check_email(email: str | None) -> str | None:
    if email is None:
        return None
    email = email.strip()
    if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
        raise InvalidValue(N_("invalid email address {email!r}"), params={"email": email})
    return check_text(email, N_("the email address"), limits.EMAIL) or None


def _check_name(name: str) -> str:
    if not name.strip():
        raise InvalidValue(N_("a customer needs a name"))
    return check_text(name.strip(), N_("the customer name"), limits.NAME)


def _check_phone(phone: str | None) -> str | None:
    return check_text((phone or "").strip(), N_("the phone number"), limits.PHONE) or None


def add_customer(
    tx: Tx,
    *,
    crn: str,
    name: str,
    email: str | None = None,
    phone: str | None = None,
) -> CustomerRow:
    """Raises Conflict when the CRN is taken."""
    crn = _clean_crn(crn)
    name = _check_name(name)
    taken = _crn_taken(tx, crn)
    if taken is not None:
        raise Conflict(
            N_("a customer with CRN {crn} already exists"),
            hint=N_("desk customer show {crn}"),
            params={"crn": taken},
        )
    values: dict[str, Any] = {
        "crn": crn,
        "name": name,
        "email": _check_email(email),
        "phone": _check_phone(phone),
        "created_at": times.now(),
    }
    try:
        customer_id = tx.insert(INSERT_CUSTOMER, {**values, **_derived(values)})
    except Duplicate:  # another writer added it meanwhile (servers)
        raise Conflict(
            N_("a customer with CRN {crn} already exists"), params={"crn": crn}
        ) from None
    return CustomerRow(id=customer_id, **values)


_INSERTED = [name for name in CUSTOMER_COLUMNS if name != "id"] + ["crn_key", "search_text"]
INSERT_CUSTOMER = (
    f"INSERT INTO customer ({', '.join(_INSERTED)})"
    f" VALUES ({', '.join(':' + name for name in _INSERTED)}) RETURNING id"
)
UPDATE_CUSTOMER = (
    "UPDATE customer SET crn = :crn, name = :name, email = :email, phone = :phone,"
    " search_text = :search_text WHERE id = :id"
)
# Only with a new CRN: a CRN that differed from another by case alone when
# migration 0004 ran has no key, and keeps none until it changes.
SET_CRN_KEY = "UPDATE customer SET crn_key = :crn_key WHERE id = :id"
CRN_TAKEN = (
    "SELECT crn FROM customer WHERE (crn_key = :crn_key OR crn = :crn) AND id != :other_than"
    " LIMIT 1"
)


def _crn_taken(tx: Tx, crn: str, *, other_than: int | None = None) -> str | None:
    """The stored CRN that `crn` matches case-insensitively, if any (besides
    customer `other_than`).  Also the exact spelling: a CRN that already
    differed by case alone when migration 0004 ran has no key."""
    params = {"crn_key": name_key(crn), "crn": crn, "other_than": other_than or 0}
    found = tx.rows(CRN_TAKEN, params)
    return str(found[0][0]) if found else None


def _derived(values: dict[str, Any]) -> dict[str, Any]:
    """The customer's derived columns: its CRN's key and its search text."""
    fields = (values["crn"], values["name"], values["email"], values["phone"])
    return {"crn_key": name_key(values["crn"]), "search_text": search_text(fields)}


def edit_customer(
    tx: Tx,
    crn: str,
    *,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    new_crn: str | None = None,
) -> CustomerRow:
    """Change the given fields; raises NotFound, Conflict (CRN taken)."""
    customer = queries.get_customer(tx, crn)
    values: dict[str, Any] = {
        "crn": customer.crn,
        "name": customer.name if name is None else _check_name(name),
        "email": customer.email if email is None else _check_email(email),
        "phone": customer.phone if phone is None else _check_phone(phone),
    }
    if new_crn is not None and new_crn.strip() != customer.crn:
        new_crn = _clean_crn(new_crn)
        taken = _crn_taken(tx, new_crn, other_than=customer.id)
        if taken is not None:
            raise Conflict(N_("a customer with CRN {crn} already exists"), params={"crn": taken})
        values["crn"] = new_crn
    derived = {**_derived(values), "id": customer.id}
    try:
        tx.execute(UPDATE_CUSTOMER, {**values, **derived})
        if values["crn"] != customer.crn:
            tx.execute(SET_CRN_KEY, derived)
    except Duplicate:
        raise Conflict(
            N_("a customer with CRN {crn} already exists"), params={"crn": values["crn"]}
        ) from None
    return replace(customer, **values)
