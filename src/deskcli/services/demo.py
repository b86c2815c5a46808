"""A demo desk: a few dozen realistic cases over the last two weeks.

Built through the same services as real work (with the clock set back for
each step), so every case has a consistent timeline.
"""

from __future__ import annotations

import random
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from deskcli import times
from deskcli.domain import Channel, Priority
from deskcli.services import cases, customers
from deskcli.services.bulk_close import close_cases
from deskcli.tx import Tx

CUSTOMERS = [
    ("C-1001", "Ana Pérez", "ana.perez@example.com", "+34 600 111 222"),
    ("C-1002", "Northwind Traders", "ops@northwind.example", "+1 555 0100"),
    ("C-1003", "Liam O'Connor", "liam@example.ie", None),
    ("C-1004", "Mei Chen", "mei.chen@example.com", "+44 20 7946 0018"),
    ("C-1005", "Contoso Ltd", "support@contoso.example", "+1 555 0199"),
    ("C-1006", "Lucía Gómez", "lucia.gomez@example.es", "+34 611 333 444"),
    ("C-1007", "Omar Haddad", None, "+971 50 123 4567"),
    ("C-1008", "Fabrikam Inc", "it@fabrikam.example", None),
]

# subject, description, category, channel, priority
PROBLEMS = [
    (
        "Charged twice for November",
        "Two identical charges on the card statement.",
        "billing",
        Channel.PHONE,
        Priority.HIGH,
    ),
    (
        "Internet drops every evening",
        "Connection lost between 19:00 and 21:00 most days.",
        "network",
        Channel.PHONE,
        Priority.HIGH,
    ),
    (
        "Cannot log in after password reset",
        "The reset link says it expired.",
        "account",
        Channel.CHAT,
        Priority.NORMAL,
    ),
    (
        "Invoice shows the old address",
        "We moved in October; invoices still go to the old office.",
        "billing",
        Channel.EMAIL,
        Priority.LOW,
    ),
    (
        "Router not delivered",
        "Tracking has said 'out for delivery' for five days.",
        "delivery",
        Channel.WEB,
        Priority.NORMAL,
    ),
    (
        "Service down for the whole office",
        "No connectivity on any of our 40 desks.",
        "network",
        Channel.PHONE,
        Priority.URGENT,
    ),
    (
        "Wants to cancel the contract",
        "Unhappy with the last two outages.",
        "retention",
        Channel.PHONE,
        Priority.HIGH,
    ),
    (
        "Question about the family plan",
        "How many lines can be added?",
        "sales",
        Channel.SOCIAL,
        Priority.LOW,
    ),
    (
        "App crashes when opening bills",
        "Android app closes at once on the Bills tab.",
        "app",
        Channel.EMAIL,
        Priority.NORMAL,
    ),
    (
        "Slow speeds since the upgrade",
        "Paying for 600 Mb, getting about 50.",
        "network",
        Channel.CHAT,
        Priority.NORMAL,
    ),
    (
        "Refund not received",
        "Promised a refund three weeks ago.",
        "billing",
        Channel.EMAIL,
        Priority.HIGH,
    ),
    (
        "Technician missed the appointment",
        "Waited all morning, nobody came.",
        "field",
        Channel.PHONE,
        Priority.NORMAL,
    ),
    (
        "Roaming charges look wrong",
        "Charged roaming in a country covered by the plan.",
        "billing",
        Channel.IN_PERSON,
        Priority.NORMAL,
    ),
    (
        "Email notifications stopped",
        "No usage alerts since last week.",
        "app",
        Channel.WEB,
        Priority.LOW,
    ),
]

AGENTS = ["ana", "luis", "maria", "sam"]
TEAMS = {"billing": "billing", "network": "network-ops", "field": "field-service", "app": "tier2"}
# How each problem really ends: (resolution, root cause) pairs that fit its
# subject and category, so the demo reads like a real desk.
FIXES: dict[str, list[tuple[str, str | None]]] = {
    "Charged twice for November": [
        ("Refunded the duplicate charge and added a goodwill credit", "billing batch ran twice"),
        ("Voided the second charge before it settled", "card payment retried after a timeout"),
    ],
    "Internet drops every evening": [
        ("Replaced the faulty line card at the street cabinet", "faulty line card"),
        ("Moved the customer to a less congested port", "evening congestion on the node"),
    ],
    "Cannot log in after password reset": [
        ("Sent a new reset link and confirmed the login works", "expired token"),
        ("Unlocked the account after too many attempts", "account locked by failed logins"),
    ],
    "Invoice shows the old address": [
        ("Corrected the billing address and reissued the invoice", "address change not synced"),
    ],
    "Router not delivered": [
        ("Shipped a replacement router by express courier", "parcel lost by the courier"),
        ("Customer collected the router at the depot", None),
    ],
    "Service down for the whole office": [
        ("Restored the fibre link after the cut was repaired", "fibre cut by road works"),
        ("Replaced the failed office router", "router power supply failed"),
    ],
    "Wants to cancel the contract": [
        ("Offered three months at half price; the customer stays", "two outages in one month"),
        ("Cancelled the contract without the early-exit fee", "two outages in one month"),
    ],
    "Question about the family plan": [
        ("Explained the plan: up to five lines; sent the price list", None),
    ],
    "App crashes when opening bills": [
        ("Customer updated the app to 4.2.1, which fixes the crash", "bug in app 4.2.0"),
        ("Cleared the app's cache; the Bills tab opens again", "corrupted cached bill"),
    ],
    "Slow speeds since the upgrade": [
        ("Reset the line profile; speeds back to normal", "line profile not updated"),
        ("Replaced the old modem that capped the speed", "modem too old for the new speed"),
    ],
    "Refund not received": [
        ("Reissued the refund to the customer's current card", "refund sent to an expired card"),
        ("Sent the bank's transfer reference; the refund had arrived", None),
    ],
    "Technician missed the appointment": [
        ("Booked a new technician visit for the customer's preferred slot", "double-booked route"),
        ("Technician visited the next morning and credited the missed day", "double-booked route"),
    ],
    "Roaming charges look wrong": [
        ("Refunded the roaming charges and fixed the zone table", "country missing from zone"),
    ],
    "Email notifications stopped": [
        ("Re-enabled the usage alerts on the account", "alerts turned off by an app update"),
        ("Removed the bounce block on the customer's address", "mailbox full, address blocked"),
    ],
}
OUTCOMES = [
    "new",
    "open",
    "open",
    "pending",
    "escalated",
    "resolved",
    "resolved",
    "closed",
    "closed",
    "closed",
]


def seed_demo(tx: Tx, *, cases_wanted: int = 40, seed: int = 7) -> int:
    """Fill an empty database; returns the number of cases created."""
    rng = random.Random(seed)
    start = times.now() - timedelta(days=14)
    with times.frozen(start - timedelta(days=30)):
        for crn, name, email, phone in CUSTOMERS:
            customers.add_customer(tx, crn=crn, name=name, email=email, phone=phone)
    opened_at = sorted(
        start + timedelta(minutes=rng.randint(0, 14 * 24 * 60 - 120)) for _ in range(cases_wanted)
    )
    for when in opened_at:
        _one_case(tx, rng, when)
    return len(opened_at)


class _Clock:
    """Moves a case's own clock forward, never past the present."""

    def __init__(self, rng: random.Random, start: datetime) -> None:
        self.rng, self.at = rng, start

    def after(self, low: int, high: int) -> AbstractContextManager[None]:
        """Freeze `times.now()` between `low` and `high` minutes after the last step."""
        latest = times.now() - timedelta(minutes=1)
        self.at = min(self.at + timedelta(minutes=self.rng.randint(low, high)), latest)
        return times.frozen(self.at)


def _one_case(tx: Tx, rng: random.Random, opened: datetime) -> None:
    subject, description, category, channel, priority = rng.choice(PROBLEMS)
    crn = rng.choice(CUSTOMERS)[0]
    agent = rng.choice(AGENTS)
    outcome = rng.choice(OUTCOMES)
    clock = _Clock(rng, opened)
    with clock.after(0, 0):
        view = cases.open_case(
            tx,
            agent=agent,
            customer_crn=crn,
            subject=subject,
            description=description,
            channel=channel,
            priority=priority,
            category=category,
        )
    case_id = view.case.id
    assert case_id is not None
    if outcome == "new":
        return
    with clock.after(2, 90):
        cases.take(tx, agent=agent, case_id=case_id)
    with clock.after(1, 30):
        cases.add_reply(
            tx,
            agent=agent,
            case_id=case_id,
            text="Thanks for reaching out; I'm looking into this now.",
        )
    if outcome == "open":
        return
    if outcome == "pending":
        with clock.after(10, 120):
            cases.set_pending(
                tx, agent=agent, case_id=case_id, reason="Asked for a screenshot of the bill"
            )
        return
    if outcome == "escalated" or rng.random() < 0.3:
        with clock.after(10, 240):
            cases.escalate(
                tx,
                agent=agent,
                case_id=case_id,
                team=TEAMS.get(category, "tier2"),
                reason="Needs access to systems the front line does not have",
            )
        if outcome == "escalated":
            return
        agent = rng.choice(AGENTS)
        with clock.after(60, 600):
            cases.take(tx, agent=agent, case_id=case_id)
    resolution, root_cause = rng.choice(FIXES[subject])
    with clock.after(30, 2000):
        cases.resolve(
            tx,
            agent=agent,
            case_id=case_id,
            resolution=resolution,
            root_cause=root_cause,
            follow_up_in=timedelta(days=3) if rng.random() < 0.5 else None,
        )
    if outcome == "closed":
        with clock.after(60, 3000):
            close_cases(tx, agent=agent, ids=[case_id])


def is_empty(tx: Tx) -> bool:
    return not tx.rows('SELECT id FROM "case" LIMIT 1', {})
