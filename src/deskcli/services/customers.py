"""Customers, found by CRN."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from deskcli import limits, times
from deskcli.errors import Conflict, InvalidValue, NotFound
from deskcli.folding import name_key, search_text
from deskcli.limits import check_text
from deskcli.models import Customer


def _clean_crn(crn: str) -> str:
    crn = crn.strip()
    if not crn or any(ch.isspace() for ch in crn):
        raise InvalidValue(f"invalid CRN {crn!r}: it must be one word, not empty")
    return check_text(crn, "the CRN", limits.LABEL, one_line=True)


def _check_email(email: str | None) -> str | None:
    if email is None:
        return None
    email = email.strip()
    if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
        raise InvalidValue(f"invalid email address {email!r}")
    return check_text(email, "the email address", limits.EMAIL) or None


def _check_name(name: str) -> str:
    if not name.strip():
        raise InvalidValue("a customer needs a name")
    return check_text(name.strip(), "the customer name", limits.NAME)


def _check_phone(phone: str | None) -> str | None:
    return check_text((phone or "").strip(), "the phone number", limits.PHONE) or None


def add_customer(
    session: Session,
    *,
    crn: str,
    name: str,
    email: str | None = None,
    phone: str | None = None,
) -> Customer:
    """Raises Conflict when the CRN is taken."""
    crn = _clean_crn(crn)
    name = _check_name(name)
    taken = _crn_taken(session, crn)
    if taken is not None:
        raise Conflict(
            f"a customer with CRN {taken} already exists", hint=f"desk customer show {taken}"
        )
    customer = Customer(
        crn=crn,
        crn_key=name_key(crn),
        name=name,
        email=_check_email(email),
        phone=_check_phone(phone),
        created_at=times.now(),
    )
    _refresh_search_text(customer)
    session.add(customer)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"a customer with CRN {crn} already exists") from None
    return customer


def _crn_taken(session: Session, crn: str, *, other_than: int | None = None) -> str | None:
    """The stored CRN that `crn` matches case-insensitively, if any (besides
    customer `other_than`).  Also the exact spelling: a CRN that already
    differed by case alone when migration 0004 ran has no key."""
    query = select(Customer.crn).where(
        (col(Customer.crn_key) == name_key(crn)) | (col(Customer.crn) == crn)
    )
    if other_than is not None:
        query = query.where(col(Customer.id) != other_than)
    return session.exec(query.limit(1)).first()


def _refresh_search_text(customer: Customer) -> None:
    fields = (customer.crn, customer.name, customer.email, customer.phone)
    customer.search_text = search_text(fields)


def get_customer(session: Session, crn: str) -> Customer:
    """By CRN, whatever its case (the exact spelling first).  Raises NotFound."""
    crn = crn.strip()
    customer = session.exec(select(Customer).where(Customer.crn == crn)).first()
    if customer is None:
        query = select(Customer).where(col(Customer.crn_key) == name_key(crn))
        customer = session.exec(query).first()
    if customer is None:
        raise NotFound(
            f"no customer with CRN {crn}",
            hint=f"add one with: desk customer add --crn {crn} --name NAME",
        )
    return customer


def edit_customer(
    session: Session,
    crn: str,
    *,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    new_crn: str | None = None,
) -> Customer:
    """Change the given fields; raises NotFound, Conflict (CRN taken)."""
    customer = get_customer(session, crn)
    if name is not None:
        customer.name = _check_name(name)
    if email is not None:
        customer.email = _check_email(email)
    if phone is not None:
        customer.phone = _check_phone(phone)
    if new_crn is not None and new_crn.strip() != customer.crn:
        new_crn = _clean_crn(new_crn)
        taken = _crn_taken(session, new_crn, other_than=customer.id)
        if taken is not None:
            raise Conflict(f"a customer with CRN {taken} already exists")
        customer.crn, customer.crn_key = new_crn, name_key(new_crn)
    _refresh_search_text(customer)
    session.add(customer)
    session.flush()
    return customer
