"""Concurrency on PostgreSQL: parallel registrations never exceed a category's capacity nor
lose a waiting-list position, two organisers placing meetings at once never
double-book a participant or a table, and two desks scanning one badge record it once.
(SQLite serialises writers, so these run only on PostgreSQL: DATABASE_URL=postgres://...)"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from silkbridge.core.models import AuditEntry
from silkbridge.events import domain
from silkbridge.events.enums import RegistrationStatus
from silkbridge.events.models import Event, Meeting, Registration
from tests.events.conftest import accepted, make_event, participant
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"),
]


def in_parallel(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at once, each in its own thread and database connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = calls[n]()
        except Exception as error:  # the outcome is what the test checks
            results[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_parallel_registrations_never_exceed_capacity_and_keep_the_queue(organiser: Any) -> None:
    event = make_event(organiser, capacity=3)
    category = event.categories.get(category="scholar")
    users = [UserFactory() for _ in range(12)]
    results = in_parallel(
        [lambda u=u: domain.register_for_event(event=event, user=u, category=category, actor=u) for u in users]
    )
    assert all(isinstance(r, Registration) for r in results), results
    statuses = list(event.registrations.values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.CONFIRMED) == 3 and statuses.count(RegistrationStatus.WAITING) == 9
    queue = list(event.registrations.filter(status="waiting").order_by("created_at", "id"))
    for holder in event.registrations.filter(status="confirmed"):
        promoted = domain.cancel_registration(holder, actor=None)
        assert promoted is not None and promoted.pk == queue.pop(0).pk
    assert event.registrations.filter(status="confirmed").count() == 3


def test_two_organisers_never_double_book_a_table_or_a_person(organiser: Any) -> None:
    event: Event = make_event(organiser)
    ana, bo, chen, dina, eve = (participant(event, n) for n in ("Ana", "Bo", "Chen", "Dina", "Eve"))
    slot, table = event.slots.first(), event.tables.first()
    same_table = [accepted(ana, bo), accepted(chen, dina)]
    results = in_parallel([lambda r=r: domain.place_meeting(r, slot=slot, table=table, actor=None) for r in same_table])
    assert sum(isinstance(r, Meeting) for r in results) == 1
    assert sum(isinstance(r, domain.MeetingRuleError) for r in results) == 1
    other_table = event.tables.last()
    free = event.slots.all()[1]  # nobody meets there yet: Eve's two meetings are the only conflict
    same_person = [accepted(eve, ana), accepted(eve, bo)]
    tables = [other_table, event.tables.first()]
    pairs = zip(same_person, tables, strict=True)
    results = in_parallel([lambda r=r, t=t: domain.place_meeting(r, slot=free, table=t, actor=None) for r, t in pairs])
    assert Meeting.objects.filter(request__requester=eve, slot=free).count() == 1, results
    assert sum(isinstance(r, domain.MeetingRuleError) for r in results) == 1


def test_two_desks_scanning_one_badge_at_once_record_one_arrival(organiser: Any) -> None:
    event = make_event(organiser)
    ana = participant(event, "Ana")
    results = in_parallel([lambda: domain.check_in(event=event, code=ana.badge_secret, actor=organiser)] * 6)
    assert all(isinstance(r, domain.CheckIn) for r in results), results
    assert [r.new for r in results].count(True) == 1
    assert all(r.registration.pk == ana.pk for r in results)
    assert AuditEntry.objects.filter(action="check-in").count() == 1
