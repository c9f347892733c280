"""Set-based rescoring (researcher_trust_scores_refresh) gives every record the score the
per-record rubric gives it (trust_breakdown on a model instance, what the profile page explains),
on PostgreSQL's one-query path and on the ORM path alike, and writes only the scores that change."""

import pytest
from django.db import connection

from profiles import services, trust
from tests import factories
from works import bulk
from works.models import Researcher
from works.services import researcher_counters_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(owner, stranger):
    """Records that differ in every input of the rubric."""
    lab = factories.institution()
    busy = factories.researcher(display_name="Busy Author", orcid="0000-0002-1825-0097")
    friends = [factories.researcher() for _ in range(4)]
    for friend in friends:
        factories.work(authors=[busy, friend])
        factories.work(authors=[busy, friend])
    for _ in range(30):
        factories.work(authors=[busy])
    claimed = factories.researcher(
        display_name="Claimed Author", owner=owner, claim_status="claimed", verification_level=2
    )
    Researcher.objects.filter(pk=claimed.pk).update(headline="My own words", followers_count=12)
    factories.affiliate(claimed, lab)
    verified = factories.researcher(
        display_name="Verified Author",
        owner=stranger,
        claim_status="verified",
        verification_level=3,
        orcid="0000-0001-5109-3700",
    )
    Researcher.objects.filter(pk=verified.pk).update(followers_count=5000)
    for friend in friends[:2]:
        factories.work(authors=[verified, friend])
        factories.work(authors=[verified, friend])
    # A headline without an owner earns nothing.
    unowned_headline = factories.researcher(display_name="Imported Headline")
    Researcher.objects.filter(pk=unowned_headline.pk).update(headline="Imported text")
    counted = factories.researcher(display_name="Counted By Source")
    Researcher.objects.filter(pk=counted.pk).update(
        figures_from=Researcher.FiguresFrom.OPENALEX, figures_works_count=480, works_count=3
    )
    # The source said "openalex" but gave no count: the works held count.
    uncounted = factories.researcher(display_name="No Source Count")
    Researcher.objects.filter(pk=uncounted.pk).update(
        figures_from=Researcher.FiguresFrom.OPENALEX, works_count=7
    )
    nameless = factories.researcher(display_name="Name Only", openalex_id=None)
    no_works = factories.researcher(display_name="No Works")
    merged = factories.researcher(display_name="Busy Author")
    factories.work(authors=[merged, friends[0]])
    Researcher.objects.filter(pk=merged.pk).update(merged_into=busy)
    everyone = list(Researcher.objects.values_list("pk", flat=True))
    # Counters and names first, as an import does before the rescoring.
    researcher_counters_refresh(researcher_ids=everyone)
    # Stale scores and versions, so that every record has something to rewrite.
    Researcher.objects.update(trust_score=99, trust_rubric_version=1)
    assert nameless.pk in everyone and no_works.pk in everyone
    return everyone


def per_record_scores(ids) -> dict[int, int]:
    """What the rubric says of each record read as a model instance, one by one."""
    return {
        researcher.pk: services.trust_breakdown(researcher).total
        for researcher in Researcher.objects.filter(pk__in=ids).prefetch_related("affiliations")
    }


def stored_scores(ids) -> dict[int, tuple[int, int]]:
    return {
        pk: (score, version)
        for pk, score, version in Researcher.objects.filter(pk__in=ids).values_list(
            "pk", "trust_score", "trust_rubric_version"
        )
    }


@pytest.mark.parametrize("path", ["postgres", "orm"])
def test_set_based_scores_equal_the_per_record_rubric(varied, path, monkeypatch):
    if path == "orm":
        monkeypatch.setattr(bulk, "is_postgres", lambda: False)
    expected = per_record_scores(varied)
    # The records really differ: several scores and more than one tier.
    assert len(set(expected.values())) >= 6
    assert len({trust.tier_for(total) for total in expected.values()}) >= 3

    scored = services.researcher_trust_scores_refresh(researcher_ids=varied)

    assert scored == len(varied)
    assert stored_scores(varied) == {
        pk: (total, trust.RUBRIC_VERSION) for pk, total in expected.items()
    }


def test_only_the_scores_that_change_are_written(varied):
    if not bulk.is_postgres():
        pytest.skip("row versions (xmin) are PostgreSQL's")
    services.researcher_trust_scores_refresh(researcher_ids=varied)
    busy = Researcher.objects.get(display_name="Busy Author", merged_into=None)

    def versions():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, xmin::text FROM profiles_researcher")
            return dict(cursor.fetchall())

    Researcher.objects.filter(pk=busy.pk).update(followers_count=1000)
    after_update = versions()
    services.researcher_trust_scores_refresh(researcher_ids=varied)

    after = versions()
    assert [pk for pk in varied if after[pk] != after_update[pk]] == [busy.pk]
    busy.refresh_from_db()
    assert busy.trust_score == services.trust_breakdown(busy).total


def test_records_in_several_batches_are_all_scored(varied, monkeypatch):
    monkeypatch.setattr(services, "TRUST_BATCH", 3)
    expected = per_record_scores(varied)

    assert services.researcher_trust_scores_refresh(researcher_ids=varied + varied) == len(varied)

    assert {pk: score for pk, (score, _) in stored_scores(varied).items()} == expected


def test_the_counter_refresh_writes_the_per_record_scores_with_the_counters(varied):
    """The set-based refresh (works.derived) writes each record once, trust score included
    (works.signals.computed_columns); the rescoring after it then has nothing to write."""
    if not bulk.is_postgres():
        pytest.skip("the set-based refresh is PostgreSQL's")

    researcher_counters_refresh(researcher_ids=varied)

    assert stored_scores(varied) == {
        pk: (total, trust.RUBRIC_VERSION) for pk, total in per_record_scores(varied).items()
    }
