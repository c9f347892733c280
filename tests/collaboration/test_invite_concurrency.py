"""Concurrent invites against real PostgreSQL: the lock and the constraint hold under a race."""

import threading

import pytest
from django.db import connection

from bzpeer.errors import DomainError
from collaboration.models import Invite
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls) -> list:
    """Run the calls in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # the losers' refusals are part of the result
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_concurrent_invites_to_one_recipient_end_as_one(send):
    results = race(send, send)
    assert Invite.objects.filter(status=Invite.Status.PENDING).count() == 1
    assert sum(isinstance(r, Invite) for r in results) == 1
    refused = [r for r in results if not isinstance(r, Invite)]
    assert isinstance(refused[0], DomainError)
    assert "already have a pending invitation" in str(refused[0])


def test_concurrent_invites_cannot_pass_the_daily_cap_together(send, settings, make_user):
    settings.BZPEER = {**settings.BZPEER, "INVITE_DAILY_CAP": 1}
    others = [
        factories.researcher(owner=make_user(), claim_status="claimed", verification_level=2)
        for _ in range(3)
    ]
    results = race(*[lambda r=r: send(researcher=r) for r in others])
    assert Invite.objects.count() == 1
    assert sum(isinstance(r, DomainError) for r in results) == 2
