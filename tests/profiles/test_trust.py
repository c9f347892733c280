"""The trust rubric (TRUST.md, version 1), part by part at its edges, and the stored score."""

import re

import pytest

from profiles import trust
from profiles.services import researcher_trust_refresh
from tests import factories
from tests.conftest import SEED_PAGE
from works.models import Researcher


def facts(**overrides) -> trust.TrustInputs:
    values = {
        "verification_level": 1,
        "works": 0,
        "close_collaborators": 0,
        "followers": 0,
        "has_affiliation": False,
        "has_orcid": False,
        "has_owner_headline": False,
    }
    values.update(overrides)
    return trust.TrustInputs(**values)


def part(breakdown: trust.TrustBreakdown, key: str) -> trust.TrustPart:
    return next(p for p in breakdown.parts if p.key == key)


@pytest.mark.parametrize(("level", "points"), [(0, 0), (1, 5), (2, 25), (3, 40)])
def test_identity_points_follow_the_verification_level(level, points):
    identity = part(trust.score(facts(verification_level=level)), "identity")
    assert (identity.points, identity.maximum) == (points, 40)


def test_unknown_verification_level_is_refused():
    with pytest.raises(ValueError):
        trust.score(facts(verification_level=4))


@pytest.mark.parametrize(
    ("works", "points"),
    [(0, 0), (1, 2), (9, 7), (36, 10), (99, 13), (998, 20), (999, 20), (1000, 20), (10**6, 20)],
)
def test_publication_points_grow_with_log_of_works_and_cap_at_20(works, points):
    publications = part(trust.score(facts(works=works)), "publications")
    assert (publications.points, publications.maximum) == (points, 20)


def test_publication_points_reach_the_cap_exactly_at_999_works():
    # 20 x log10(1000) / 3 is exactly 20: the cap is reached, not overshot.
    assert part(trust.score(facts(works=999)), "publications").points == 20
    assert part(trust.score(facts(works=500)), "publications").points == 18


@pytest.mark.parametrize(
    ("collaborators", "points"),
    # 3 and 7 land on .5 (4.5, 10.5): the rubric rounds half up, not to even.
    [(0, 0), (1, 2), (3, 5), (4, 6), (7, 11), (9, 14), (10, 15), (11, 15), (500, 15)],
)
def test_collaboration_points_count_at_most_ten_close_collaborators(collaborators, points):
    collaboration = part(trust.score(facts(close_collaborators=collaborators)), "collaboration")
    assert (collaboration.points, collaboration.maximum) == (points, 15)


@pytest.mark.parametrize(
    ("followers", "points"), [(0, 0), (1, 2), (9, 5), (99, 10), (999, 15), (1000, 15)]
)
def test_community_points_grow_with_log_of_followers_and_cap_at_15(followers, points):
    community = part(trust.score(facts(followers=followers)), "community")
    assert (community.points, community.maximum) == (points, 15)


@pytest.mark.parametrize(
    ("affiliation", "orcid", "headline", "points"),
    [
        (False, False, False, 0),
        (True, False, False, 5),
        (False, True, False, 2),
        (False, False, True, 3),
        (True, True, True, 10),
    ],
)
def test_completeness_points(affiliation, orcid, headline, points):
    completeness = part(
        trust.score(
            facts(has_affiliation=affiliation, has_orcid=orcid, has_owner_headline=headline)
        ),
        "completeness",
    )
    assert (completeness.points, completeness.maximum) == (points, 10)


def test_below_l2_the_total_is_capped_at_54():
    strong = {
        "works": 1000,
        "close_collaborators": 10,
        "followers": 1000,
        "has_affiliation": True,
        "has_orcid": True,
    }
    l1 = trust.score(facts(verification_level=1, **strong))
    assert sum(p.points for p in l1.parts) == 62
    assert (l1.total, l1.capped, l1.tier) == (54, True, "Established")

    l2 = trust.score(facts(verification_level=2, **strong))
    assert (l2.total, l2.capped, l2.tier) == (82, False, "Exemplary")


def test_a_total_of_exactly_54_below_l2_is_not_marked_capped():
    # 5 + 20 + 15 + 7 (24 followers) + 5 + 2 = 54.
    at_cap = trust.score(
        facts(
            works=1000, close_collaborators=10, followers=24, has_affiliation=True, has_orcid=True
        )
    )
    assert (at_cap.total, at_cap.capped) == (54, False)


@pytest.mark.parametrize(
    ("total", "tier"),
    [
        (0, "Emerging"),
        (29, "Emerging"),
        (30, "Established"),
        (54, "Established"),
        (55, "Trusted"),
        (79, "Trusted"),
        (80, "Exemplary"),
        (100, "Exemplary"),
    ],
)
def test_tier_boundaries(total, tier):
    assert trust.tier_for(total) == tier


def test_maximum_score_is_100():
    best = trust.score(
        facts(
            verification_level=3,
            works=5000,
            close_collaborators=50,
            followers=5000,
            has_affiliation=True,
            has_orcid=True,
            has_owner_headline=True,
        )
    )
    assert best.total == 100
    assert best.rubric_version == trust.RUBRIC_VERSION == 2


def test_seed_example_scores_21_emerging():
    seed = trust.score(facts(verification_level=1, works=36, close_collaborators=4))
    assert [p.points for p in seed.parts] == [5, 10, 6, 0, 0]
    assert (seed.total, seed.tier) == (21, "Emerging")


def test_seed_page_shows_what_the_rubric_computes_from_its_inputs():
    page = SEED_PAGE.read_text()
    quick_read = page.split("Quick read", 1)[1]
    works, followers, topics, collaborators = (
        int(re.search(rf"(\d+)\s*{label}\b", quick_read).group(1))
        for label in ("works", "followers", "topics", "close collaborators")
    )
    assert "Affiliation not imported" in page
    seed = trust.score(
        facts(
            verification_level=1,
            works=works,
            close_collaborators=collaborators,
            followers=followers,
            has_affiliation=False,
            has_orcid=False,
        )
    )
    assert f"Trust {seed.total} - {seed.tier}" in page
    assert "Verification L1" in page
    assert Researcher.ClaimStatus.UNCLAIMED.label in page


@pytest.mark.django_db
def test_stored_score_for_a_seed_like_record_is_21():
    """36 works, 4 close collaborators (each sharing 2 small works), no affiliation, no ORCID."""
    seed = factories.researcher(display_name="Hongxia Yang")
    close = [factories.researcher() for _ in range(4)]
    for other in close:
        factories.work(authors=[seed, other])
        factories.work(authors=[seed, other])
    for _ in range(28):
        factories.work(authors=[seed])
    factories.refresh(seed)
    assert (seed.works_count, seed.close_collaborators_count) == (36, 4)
    assert seed.verification_level == 1
    assert seed.claim_status == Researcher.ClaimStatus.UNCLAIMED
    assert seed.trust_score == 21
    assert seed.trust_rubric_version == trust.RUBRIC_VERSION


@pytest.mark.django_db
def test_trust_refresh_counts_affiliation_and_owner_headline(owner):
    record = factories.researcher(orcid="0000-0002-1825-0097", works_count=0)
    researcher_trust_refresh(researcher=record)
    record.refresh_from_db()
    assert record.trust_score == 5 + 2

    factories.affiliate(record, factories.institution())
    # A headline without an owner is not the owner's word: it earns nothing.
    Researcher.objects.filter(pk=record.pk).update(headline="Imported text")
    researcher_trust_refresh(researcher=record)
    record.refresh_from_db()
    assert record.trust_score == 5 + 5 + 2

    Researcher.objects.filter(pk=record.pk).update(
        owner=owner, claim_status="claimed", verification_level=2
    )
    researcher_trust_refresh(researcher=record)
    record.refresh_from_db()
    assert record.trust_score == 25 + 5 + 2 + 3


# --- The trust snapshot and the data-gap badges on the profile -----------------------------


@pytest.mark.django_db
def test_snapshot_explains_every_part_out_of_its_maximum(client):
    seed = factories.researcher(display_name="Hongxia Yang")
    for _ in range(3):
        factories.work(authors=[seed])
    factories.refresh(seed)
    html = client.get(seed.get_absolute_url()).content.decode()
    assert "<summary>Why this score?</summary>" in html
    for label, points in [
        ("Identity", "5 / 40"),
        ("Publication record", "4 / 20"),
        ("Collaboration network", "0 / 15"),
        ("Community", "0 / 15"),
        ("Profile completeness", "0 / 10"),
    ]:
        assert re.search(rf"<th scope=\"row\">{label}</th><td>{points}</td>", html), label
    assert "trust rubric version 2" in html
    assert f"Trust {seed.trust_score} - Emerging" in html
    assert "Verification L1" in html and "Unclaimed author" in html


@pytest.mark.django_db
def test_snapshot_says_when_the_l2_gate_capped_the_total(client):
    capped = factories.researcher(
        orcid="0000-0002-1825-0097", works_count=1000, close_collaborators_count=10
    )
    factories.affiliate(capped, factories.institution())
    Researcher.objects.filter(pk=capped.pk).update(followers_count=1000)
    researcher_trust_refresh(researcher=capped)
    html = client.get(capped.get_absolute_url()).content.decode()
    assert "Trust 54 - Established" in html
    assert "the total is capped at 54" in html


@pytest.mark.django_db
def test_no_orcid_badge(client):
    without = factories.researcher()
    with_orcid = factories.researcher(orcid="0000-0002-1825-0097")
    assert "No ORCID iD" in client.get(without.get_absolute_url()).content.decode()
    assert "No ORCID iD" not in client.get(with_orcid.get_absolute_url()).content.decode()


@pytest.fixture
def twins(db):
    """Two records of the same name, plus a helper to link them."""
    first = factories.researcher(display_name="Wei Zhang")
    second = factories.researcher(display_name="wei zhang")
    return first, second


def duplicates(researcher):
    return list(Researcher.objects.possible_duplicates_of(researcher))


def test_same_name_and_a_shared_co_author_is_a_possible_duplicate(client, twins):
    first, second = twins
    shared = factories.researcher()
    factories.work(authors=[first, shared])
    factories.work(authors=[second, shared])
    assert duplicates(first) == [second]
    assert duplicates(second) == [first]
    html = client.get(first.get_absolute_url()).content.decode()
    assert re.search(rf'<a href="{second.get_absolute_url()}"[^>]*>Possible duplicate</a>', html)


def test_same_name_and_a_shared_institution_is_a_possible_duplicate(twins):
    first, second = twins
    place = factories.institution()
    factories.affiliate(first, place)
    factories.work(authors=[second]).authorships.get().institutions.add(place)
    factories.refresh(second)  # as an import does: the byline's institution joins the record
    assert duplicates(first) == [second]
    assert duplicates(second) == [first]


def test_same_name_alone_is_not_a_duplicate(client, twins):
    first, second = twins
    factories.work(authors=[first, factories.researcher()])
    factories.work(authors=[second, factories.researcher()])
    factories.affiliate(first, factories.institution())
    factories.affiliate(second, factories.institution())
    assert duplicates(first) == []
    assert "Possible duplicate" not in client.get(first.get_absolute_url()).content.decode()


def test_two_names_on_one_byline_are_two_people(twins):
    first, second = twins
    shared = factories.researcher()
    factories.work(authors=[first, second, shared])
    factories.work(authors=[second, shared])
    assert duplicates(first) == []


def test_a_shared_co_author_on_a_consortium_paper_does_not_count(twins):
    first, second = twins
    shared = factories.researcher()
    factories.work(authors=[first, shared], authors_count=3000)
    factories.work(authors=[second, shared], authors_count=3000)
    assert duplicates(first) == []


def test_a_different_name_is_never_a_duplicate(twins):
    first, _ = twins
    other = factories.researcher(display_name="Wei Zhan")
    shared = factories.researcher()
    factories.work(authors=[first, shared])
    factories.work(authors=[other, shared])
    assert duplicates(first) == []


# --- Edges a small slip would hide --------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "works", "collaborators", "followers"),
    [
        (0, "0 works held", "0 close collaborators", "0 followers"),
        (1, "1 work held", "1 close collaborator", "1 follower"),
        (2, "2 works held", "2 close collaborators", "2 followers"),
    ],
)
def test_the_reasons_count_in_words(count, works, collaborators, followers):
    breakdown = trust.score(facts(works=count, close_collaborators=count, followers=count))
    assert part(breakdown, "publications").reason == works
    assert part(breakdown, "collaboration").reason == collaborators
    assert part(breakdown, "community").reason == followers


def test_works_are_the_works_held_unless_the_source_counted_them():
    held = trust.TrustInputs(
        verification_level=1,
        works=5,
        close_collaborators=0,
        followers=0,
        has_affiliation=False,
        has_orcid=False,
        has_owner_headline=False,
    )
    assert part(trust.score(held), "publications").reason == "5 works held"


def test_negative_counts_from_bad_data_earn_no_points_and_no_error():
    breakdown = trust.score(facts(works=-5, close_collaborators=-5, followers=-5))
    points = {p.key: p.points for p in breakdown.parts}
    assert (points["publications"], points["collaboration"], points["community"]) == (0, 0, 0)
    assert breakdown.total == 5


def test_the_completeness_reason_names_what_is_there_and_what_is_missing():
    nothing = trust.score(facts())
    assert part(nothing, "completeness").reason == (
        "no affiliation, no ORCID iD, no owner headline"
    )
    everything = trust.score(facts(has_affiliation=True, has_orcid=True, has_owner_headline=True))
    assert part(everything, "completeness").reason == (
        "affiliation known, ORCID iD on record, headline written by the owner"
    )


def test_works_counted_by_the_source_say_so():
    publications = part(trust.score(facts(works=7, works_from_source=True)), "publications")
    assert publications.reason == "7 works (the OpenAlex author record's count)"
