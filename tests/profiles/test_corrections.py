"""Owners correct their records (issue 7): remove, restore and add works, merge duplicates;
suggestions from anyone signed in; every correction survives a re-import of the same data."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bzpeer.errors import DomainError
from collaboration import services as follows
from collaboration.models import Follow
from graph import services as graph_services
from graph.models import GraphSlice
from profiles.corrections import merges
from profiles.corrections import services as corrections
from profiles.models import Claim, ClaimEvent, CorrectionSuggestion
from profiles.services import trust_breakdown
from tests import factories
from works.importer import openalex_import
from works.models import Authorship, AuthorshipCorrection, Researcher, Work

pytestmark = pytest.mark.django_db

Fix = AuthorshipCorrection.Kind
SuggestionKind = CorrectionSuggestion.Kind


# --- A small OpenAlex world, written at test time and imported for real ----------------------


def author(openalex_id, name):
    return {"author": {"id": f"https://openalex.org/{openalex_id}", "display_name": name}}


def work_record(openalex_id, title, *authors, doi=None, year=2021):
    return {
        "id": f"https://openalex.org/{openalex_id}",
        "title": title,
        "doi": f"https://doi.org/{doi}" if doi else None,
        "publication_year": year,
        "type": "article",
        "authorships": [
            {**author(aid, name), "author_position": "first" if i == 0 else "middle"}
            for i, (aid, name) in enumerate(authors)
        ],
    }


ADA = ("A1000000001", "Ada Example")
ADA_TWIN = ("A1000000002", "Ada Example")  # the same person split in two by open data
BOB = ("A1000000003", "Bob Coauthor")
NAMESAKE = ("A1000000004", "Ada Namesake")

WORLD = [
    work_record("W1000000001", "Ada's own finding", ADA, BOB, doi="10.1234/own"),
    work_record("W1000000002", "A namesake's paper", ADA, BOB, doi="10.1234/namesake"),
    work_record("W1000000003", "The twin's finding", ADA_TWIN, BOB, doi="10.1234/twin"),
    work_record("W1000000004", "Ada's missing paper", NAMESAKE, doi="10.1234/missing"),
]


@pytest.fixture
def world(tmp_path):
    """Import WORLD; return a function that imports it again (or other records)."""
    path = tmp_path / "world.jsonl"

    def load(records=WORLD):
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        result = openalex_import(paths=[path])
        assert result.error_count == 0
        return result

    load()
    return load


def record(openalex_id) -> Researcher:
    return Researcher.objects.get(openalex_id=openalex_id[0])


def paper(openalex_id) -> Work:
    return Work.objects.get(openalex_id=openalex_id)


def own(researcher, user) -> Researcher:
    Researcher.objects.filter(pk=researcher.pk).update(
        owner=user, claim_status="claimed", verification_level=2
    )
    researcher.refresh_from_db()
    return researcher


def titles(researcher):
    return set(
        Work.objects.filter(authorships__researcher=researcher).values_list("title", flat=True)
    )


def history(researcher):
    return [
        event.sentence for event in ClaimEvent.objects.filter(researcher=researcher).order_by("id")
    ]


def everything():
    """The rows corrections may change, to prove a refusal changed nothing."""
    return (
        list(Authorship.objects.order_by("pk").values_list("pk", "work_id", "researcher_id")),
        list(AuthorshipCorrection.objects.values_list("pk", "kind")),
        list(Researcher.objects.order_by("pk").values_list("pk", "merged_into_id", "owner_id")),
        list(Follow.objects.order_by("pk").values_list("pk", "researcher_id")),
        ClaimEvent.objects.count(),
    )


@pytest.fixture
def ada(world, owner):
    return own(record(ADA), owner)


# --- Remove and restore --------------------------------------------------------------------


def test_owner_removes_a_work_and_a_reimport_does_not_put_it_back(ada, owner, world):
    namesake = paper("W1000000002")
    corrections.work_remove(user=owner, researcher=ada, work=namesake, reason="Not my paper.")

    ada.refresh_from_db()
    assert titles(ada) == {"Ada's own finding"}
    assert ada.works_count == 1
    assert history(ada) == ["Work removed by the owner: A namesake's paper."]
    correction = AuthorshipCorrection.objects.get(researcher=ada, work=namesake)
    assert (correction.kind, correction.reason) == (Fix.REMOVED, "Not my paper.")
    # The byline stays as published: the entry is there, no longer linked to Ada.
    byline = lambda: list(  # noqa: E731
        namesake.authorships.order_by("order").values_list("raw_author_name", "researcher_id")
    )
    unlinked = byline()
    assert ("Ada Example", None) in unlinked

    world()  # the same OpenAlex data again

    ada.refresh_from_db()
    assert titles(ada) == {"Ada's own finding"}
    assert ada.works_count == 1
    assert byline() == unlinked
    # The co-author keeps the work: only Ada's authorship went.
    assert "A namesake's paper" in titles(record(BOB))


def test_owner_restores_a_removed_work_as_it_was(ada, owner, world):
    namesake = paper("W1000000002")
    before = Authorship.objects.get(researcher=ada, work=namesake)
    corrections.work_remove(user=owner, researcher=ada, work=namesake, reason="Oops.")
    corrections.work_restore(user=owner, researcher=ada, work=namesake)

    after = Authorship.objects.get(researcher=ada, work=namesake)
    assert (after.order, after.position, after.raw_author_name) == (
        before.order,
        before.position,
        before.raw_author_name,
    )
    assert not AuthorshipCorrection.objects.filter(researcher=ada).exists()
    assert history(ada)[-1] == "Work restored by the owner: A namesake's paper."
    world()
    assert Authorship.objects.filter(researcher=ada, work=namesake).exists()
    ada.refresh_from_db()
    assert ada.works_count == 2


def test_removing_refreshes_the_trust_score_the_cache_and_the_graph_slice(ada, owner, client):
    GraphSlice.objects.create(researcher=ada, status="ready", payload={}, stale=False)
    client.get(ada.get_absolute_url())  # cached for visitors
    corrections.work_remove(
        user=owner, researcher=ada, work=paper("W1000000002"), reason="Not mine."
    )
    ada.refresh_from_db()
    assert ada.trust_score == trust_breakdown(ada).total
    assert GraphSlice.objects.get(researcher=ada).stale is True
    html = client.get(ada.get_absolute_url()).content.decode()
    assert ">1 published item<" in html
    assert "Work removed by the owner: A namesake&#x27;s paper." in html
    assert "Not mine." not in html  # the reason is not public


# --- Add a missing work --------------------------------------------------------------------


def test_owner_adds_a_work_found_by_doi_and_a_reimport_keeps_it(ada, owner, world):
    found = corrections.work_find_one("https://doi.org/10.1234/MISSING")
    correction = corrections.work_add(user=owner, researcher=ada, work=found)

    assert correction.kind == Fix.ASSERTED
    assert "Ada's missing paper" in titles(ada)
    assert history(ada) == ["Work added by the owner: Ada's missing paper."]
    world()  # OpenAlex still does not list Ada on it
    ada.refresh_from_db()
    assert "Ada's missing paper" in titles(ada)
    assert ada.works_count == 3


def test_works_are_found_by_title(ada):
    assert corrections.work_find_one("ada's MISSING paper").openalex_id == "W1000000004"
    assert [w.openalex_id for w in corrections.works_find("missing")] == ["W1000000004"]
    with pytest.raises(DomainError, match="works match"):
        corrections.work_find_one("finding")
    with pytest.raises(DomainError, match="No work"):
        corrections.work_find_one("10.9999/nothing")


def test_an_added_work_removed_then_restored_stays_asserted(ada, owner, world):
    missing = paper("W1000000004")
    corrections.work_add(user=owner, researcher=ada, work=missing)
    corrections.work_remove(user=owner, researcher=ada, work=missing, reason="Changed my mind.")
    world()
    assert "Ada's missing paper" not in titles(ada)
    corrections.work_restore(user=owner, researcher=ada, work=missing)
    world()
    assert "Ada's missing paper" in titles(ada)
    assert AuthorshipCorrection.objects.get(researcher=ada, work=missing).kind == Fix.ASSERTED


# --- Refusals, each changing nothing -------------------------------------------------------


def test_stranger_cannot_remove_or_add_works_on_a_record_they_do_not_own(ada, stranger):
    before = everything()
    with pytest.raises(PermissionDenied):
        corrections.work_remove(
            user=stranger, researcher=ada, work=paper("W1000000001"), reason="Mine now."
        )
    with pytest.raises(PermissionDenied):
        corrections.work_add(user=stranger, researcher=ada, work=paper("W1000000004"))
    with pytest.raises(PermissionDenied):
        corrections.work_remove(
            user=stranger, researcher=record(BOB), work=paper("W1000000001"), reason="Unowned."
        )
    assert everything() == before


def test_owner_bad_input_is_refused(ada, owner):
    before = everything()
    with pytest.raises(DomainError, match="Say why"):
        corrections.work_remove(user=owner, researcher=ada, work=paper("W1000000001"), reason=" ")
    with pytest.raises(DomainError, match="not on the record"):
        corrections.work_remove(
            user=owner, researcher=ada, work=paper("W1000000004"), reason="Not there."
        )
    with pytest.raises(DomainError, match="already on the record"):
        corrections.work_add(user=owner, researcher=ada, work=paper("W1000000001"))
    with pytest.raises(DomainError, match="was not removed"):
        corrections.work_restore(user=owner, researcher=ada, work=paper("W1000000001"))
    assert everything() == before


def test_pages_refuse_the_wrong_person_and_bad_input(ada, client, stranger, owner):
    work = paper("W1000000001")
    remove_url = reverse("corrections:remove", args=[ada.pk, work.pk])
    before = everything()
    # Anonymous: sent to log in. Someone else: the record is not theirs to correct (404).
    assert client.post(remove_url, {"reason": "x"}).status_code == 302
    client.force_login(stranger)
    assert client.get(reverse("corrections:home", args=[ada.pk])).status_code == 404
    assert client.post(remove_url, {"reason": "Mine."}).status_code == 404
    assert client.post(reverse("corrections:add", args=[ada.pk]), {"work": 1}).status_code == 404
    client.force_login(owner)
    response = client.post(remove_url, {"reason": ""})
    assert response.status_code == 400
    assert everything() == before


# --- The owner's pages ---------------------------------------------------------------------


def test_owner_removes_restores_and_adds_through_the_pages(ada, owner_client):
    work = paper("W1000000002")
    home = owner_client.get(reverse("corrections:home", args=[ada.pk]))
    assert home.status_code == 200 and home.content.decode().count("<h1") == 1
    form = owner_client.get(reverse("corrections:remove", args=[ada.pk, work.pk]))
    assert form.status_code == 200 and b"Why is this work not yours?" in form.content

    response = owner_client.post(
        reverse("corrections:remove", args=[ada.pk, work.pk]),
        {"reason": "A namesake."},
        follow=True,
    )
    assert "stays off after imports" in response.content.decode()
    assert not Authorship.objects.filter(researcher=ada, work=work).exists()
    assert 'id="removed-works"' in response.content.decode()

    owner_client.post(reverse("corrections:restore", args=[ada.pk, work.pk]))
    assert Authorship.objects.filter(researcher=ada, work=work).exists()

    found = owner_client.get(reverse("corrections:add", args=[ada.pk]), {"q": "10.1234/missing"})
    assert "Ada&#x27;s missing paper" in found.content.decode()
    missing = paper("W1000000004")
    added = owner_client.post(reverse("corrections:add", args=[ada.pk]), {"work": missing.pk})
    assert added.status_code == 302
    assert Authorship.objects.filter(researcher=ada, work=missing).exists()
    again = owner_client.post(reverse("corrections:add", args=[ada.pk]), {"work": missing.pk})
    assert again.status_code == 400


def test_profile_page_offers_corrections_to_the_owner_and_suggestions_to_others(
    ada, client, owner, stranger
):
    html = client.get(ada.get_absolute_url()).content.decode()
    assert "Log in to suggest a correction" in html
    client.force_login(stranger)
    assert "Suggest a correction" in client.get(ada.get_absolute_url()).content.decode()
    client.force_login(owner)
    html = client.get(ada.get_absolute_url()).content.decode()
    assert reverse("corrections:home", args=[ada.pk]) in html


def test_profile_query_count_does_not_change_with_corrections(ada, owner, client):
    bob = record(BOB)

    def count(person):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(person.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    plain = count(bob)
    corrections.work_remove(user=owner, researcher=ada, work=paper("W1000000002"), reason="No.")
    corrections.work_add(user=owner, researcher=ada, work=paper("W1000000004"))
    assert count(ada) == plain


# --- Merge ---------------------------------------------------------------------------------


@pytest.fixture
def twins(world, owner, stranger, moderator):
    """Ada's two records, both hers, sharing a work; followers on both."""
    world([*WORLD, work_record("W1000000005", "Both of us", ADA, ADA_TWIN, BOB)])
    ada, twin = own(record(ADA), owner), own(record(ADA_TWIN), owner)
    follows.follow_create(user=stranger, researcher=ada)
    follows.follow_create(user=stranger, researcher=twin)
    follows.follow_create(user=moderator, researcher=ada)
    for person in (ada, twin):
        Claim.objects.create(
            researcher=person, user=owner, email="ada@uni.example", status="approved"
        )
    factories.refresh(ada, twin)
    return ada, twin


def test_owner_merges_two_records_works_followers_and_claims_move(twins, owner):
    ada, twin = twins
    survivor = merges.researcher_merge(user=owner, source=ada, target=twin)

    ada.refresh_from_db()
    assert survivor.pk == twin.pk
    assert ada.merged_into_id == twin.pk and ada.owner_id is None
    assert titles(twin) == {
        "Ada's own finding",
        "A namesake's paper",
        "The twin's finding",
        "Both of us",
    }
    assert not Authorship.objects.filter(researcher=ada).exists()
    # The work both records were on keeps both byline entries, now both the survivor's, and
    # counts once.
    assert Authorship.objects.filter(researcher=twin, work=paper("W1000000005")).count() == 2
    assert (survivor.works_count, survivor.followers_count) == (4, 2)
    assert (ada.works_count, ada.followers_count) == (0, 0)
    assert Follow.objects.filter(researcher=twin).count() == 2
    claims = Claim.objects.filter(researcher=twin)
    assert sorted(claims.values_list("status", flat=True)) == ["approved", "withdrawn"]
    assert (survivor.owner_id, survivor.claim_status) == (owner.pk, "claimed")
    assert survivor.trust_score == trust_breakdown(survivor).total
    assert history(twin)[-1] == (
        "Duplicate record merged in by the owner: Ada Example (A1000000001)."
    )


def test_a_merged_record_redirects_on_pages_and_in_the_api(twins, owner, client):
    ada, twin = twins
    client.get(ada.get_absolute_url())  # a visitor's cached page, retired by the merge
    graph_slice = graph_services.graph_slice_ensure(researcher_id=ada.pk)
    graph_services.graph_slice_build(slice_id=graph_slice.pk, force=True)
    assert client.get(f"/api/researchers/{ada.pk}/graph-slice/").status_code == 200  # cached
    merges.researcher_merge(user=owner, source=ada, target=twin)

    cases = {
        f"/researchers/{ada.pk}/": f"/researchers/{twin.pk}/",
        f"/researchers/{ada.pk}/?page=2": f"/researchers/{twin.pk}/?page=2",
        f"/researchers/{ada.pk}/graph/": f"/researchers/{twin.pk}/graph/",
        f"/researchers/{ada.pk}/claim/": f"/researchers/{twin.pk}/claim/",
        f"/api/researchers/{ada.pk}/": f"/api/researchers/{twin.pk}/",
        f"/api/researchers/{ada.pk}/works/?page_size=5": (
            f"/api/researchers/{twin.pk}/works/?page_size=5"
        ),
        f"/api/researchers/{ada.pk}/graph-slice/": f"/api/researchers/{twin.pk}/graph-slice/",
    }
    for old, new in cases.items():
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    assert client.get(f"/researchers/{twin.pk}/").status_code == 200
    assert client.get(f"/researchers/{ada.pk}/").status_code == 301  # not from the cache
    # A script posting to the old address keeps its method.
    client.force_login(owner)
    assert client.post(f"/researchers/{ada.pk}/follow/").status_code == 308


def test_merged_records_leave_lists_and_duplicate_badges(twins, owner, client):
    ada, twin = twins
    merges.researcher_merge(user=owner, source=ada, target=twin)
    api = client.get("/api/researchers/", {"q": "Ada Example"}).json()
    assert [r["id"] for r in api["results"]] == [twin.pk]
    assert [r["id"] for r in client.get("/api/researchers/").json()["results"]].count(ada.pk) == 0
    assert list(Researcher.objects.search("")) == list(Researcher.objects.exclude(pk=ada.pk))
    assert Researcher.objects.possible_duplicates_of(twin).count() == 0


def test_the_possible_duplicate_badge_leads_the_owner_to_the_merge_page(world, owner, owner_client):
    # Same name, a shared co-author, never on the same byline: the badge's duplicates.
    ada, twin = own(record(ADA), owner), own(record(ADA_TWIN), owner)
    assert Researcher.objects.possible_duplicates_of(ada).first() == twin
    html = owner_client.get(ada.get_absolute_url()).content.decode()
    merge_url = reverse("corrections:merge", args=[ada.pk]) + f"?other={twin.pk}"
    assert merge_url in html
    page = owner_client.get(merge_url)
    assert page.status_code == 200
    assert f'<option value="{twin.pk}" selected>' in page.content.decode()

    response = owner_client.post(
        reverse("corrections:merge", args=[ada.pk]), {"other": twin.pk, "keep": "this"}
    )
    assert response.status_code == 302 and response["Location"] == ada.get_absolute_url()
    twin.refresh_from_db()
    assert twin.merged_into_id == ada.pk


def test_chains_stay_one_hop(world, owner):
    first, second, third = (
        own(factories.researcher(display_name=f"Split {n}"), owner) for n in range(3)
    )
    merges.researcher_merge(user=owner, source=first, target=second)
    merges.researcher_merge(user=owner, source=second, target=third)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.merged_into_id == third.pk
    assert second.merged_into_id == third.pk


def test_merges_that_would_loop_or_go_nowhere_are_refused(twins, owner):
    ada, twin = twins
    with pytest.raises(DomainError, match="into itself"):
        merges.researcher_merge(user=owner, source=ada, target=ada)
    merges.researcher_merge(user=owner, source=ada, target=twin)
    third = own(factories.researcher(), owner)
    before = everything()
    with pytest.raises(DomainError, match="redirect to each other"):
        merges.researcher_merge(user=owner, source=twin, target=ada)
    with pytest.raises(DomainError, match="already merged"):
        merges.researcher_merge(user=owner, source=ada, target=twin)
    with pytest.raises(DomainError, match="merge into that record instead"):
        merges.researcher_merge(user=owner, source=third, target=ada)
    assert everything() == before


def test_the_database_refuses_a_record_merged_into_itself(world):
    bob = record(BOB)
    with pytest.raises(IntegrityError), transaction.atomic():
        Researcher.objects.filter(pk=bob.pk).update(merged_into=bob)


def test_merging_needs_ownership_of_both_records(twins, owner, stranger):
    ada, twin = twins
    theirs = own(record(BOB), stranger)
    unowned = record(NAMESAKE)
    before = everything()
    for source, target in [(ada, theirs), (theirs, ada), (ada, unowned), (unowned, ada)]:
        with pytest.raises(PermissionDenied):
            merges.researcher_merge(user=owner, source=source, target=target)
    with pytest.raises(PermissionDenied):
        merges.researcher_merge(user=stranger, source=ada, target=twin)
    assert everything() == before


def test_the_merge_page_refuses_with_form_errors(twins, owner_client, stranger):
    ada, twin = twins
    theirs = own(record(BOB), stranger)
    url = reverse("corrections:merge", args=[ada.pk])
    before = everything()
    into_itself = owner_client.post(url, {"other": ada.pk, "keep": "this"})
    assert into_itself.status_code == 400 and b"cannot be merged into itself" in into_itself.content
    not_mine = owner_client.post(url, {"other": theirs.pk, "keep": "other"})
    assert not_mine.status_code == 403 and b"only when you own both" in not_mine.content
    bad = owner_client.post(url, {"other": "abc", "keep": "this"})
    assert bad.status_code == 400
    unknown = owner_client.post(url, {"other": 987654321, "keep": "this"})
    assert unknown.status_code == 400
    assert owner_client.get(reverse("corrections:merge", args=[theirs.pk])).status_code == 404
    assert everything() == before


def test_the_importer_maps_a_merged_id_to_its_survivor(twins, owner, world):
    ada, twin = twins
    merges.researcher_merge(user=owner, source=ada, target=twin)
    world([*WORLD, work_record("W1000000005", "Both of us", ADA, ADA_TWIN, BOB)])
    world([work_record("W1000000006", "Ada's next paper", ADA, BOB)])

    ada.refresh_from_db()
    twin.refresh_from_db()
    assert not Authorship.objects.filter(researcher=ada).exists()
    assert "Ada's next paper" in titles(twin)
    assert twin.works_count == 5
    # The byline lists both ids: both entries stay, as published, linked to the survivor.
    assert Authorship.objects.filter(researcher=twin, work=paper("W1000000005")).count() == 2


def test_a_work_removed_before_a_merge_stays_removed_after_it(twins, owner, world):
    ada, twin = twins
    namesake = paper("W1000000002")
    corrections.work_remove(user=owner, researcher=ada, work=namesake, reason="Namesake.")
    merges.researcher_merge(user=owner, source=ada, target=twin)
    world([*WORLD, work_record("W1000000005", "Both of us", ADA, ADA_TWIN, BOB)])
    assert "A namesake's paper" not in titles(twin)
    assert AuthorshipCorrection.objects.get(work=namesake).researcher_id == twin.pk


# --- Suggestions ---------------------------------------------------------------------------


def test_a_suggestion_on_a_claimed_record_goes_to_its_owner_who_accepts_it(
    ada, owner, stranger, moderator, world
):
    namesake = paper("W1000000002")
    suggestion = corrections.suggestion_submit(
        user=stranger,
        researcher=ada,
        kind=SuggestionKind.REMOVE_WORK,
        work=namesake,
        message="That is the other Ada.",
    )
    assert list(corrections.suggestions_to_decide(owner)) == [suggestion]
    assert list(corrections.suggestions_to_decide(moderator)) == []
    with pytest.raises(Http404):  # anyone but the owner
        corrections.suggestion_get_for_decider(moderator, suggestion.pk)

    corrections.suggestion_decide(user=owner, suggestion=suggestion, accept=True, note="Right.")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by_id) == ("accepted", owner.pk)
    assert "A namesake's paper" not in titles(ada)
    world()
    assert "A namesake's paper" not in titles(ada)
    assert history(ada)[-2:] == [
        "Work removed by the owner: A namesake's paper.",
        "Suggested correction accepted by the owner: this work is not theirs (A namesake's paper).",
    ]


def test_a_suggestion_on_an_unclaimed_record_goes_to_the_moderators(
    world, stranger, moderator, owner
):
    bob = record(BOB)
    suggestion = corrections.suggestion_submit(
        user=stranger, researcher=bob, kind=SuggestionKind.ADD_WORK, work=paper("W1000000004")
    )
    assert list(corrections.suggestions_to_decide(moderator)) == [suggestion]
    assert list(corrections.suggestions_to_decide(owner)) == []
    with pytest.raises(PermissionDenied):
        corrections.suggestion_decide(user=owner, suggestion=suggestion, accept=True)
    corrections.suggestion_decide(user=moderator, suggestion=suggestion, accept=False, note="No.")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decision_note) == ("rejected", "No.")
    assert "Ada's missing paper" not in titles(bob)
    assert history(bob) == [
        "Suggested correction rejected by a moderator: this work of theirs is missing "
        "(Ada's missing paper)."
    ]
    with pytest.raises(DomainError, match="already rejected"):
        corrections.suggestion_decide(user=moderator, suggestion=suggestion, accept=True)


def test_bad_suggestions_are_refused(ada, owner, stranger):
    before = CorrectionSuggestion.objects.count()
    with pytest.raises(DomainError, match="your record"):
        corrections.suggestion_submit(user=owner, researcher=ada, kind="other", message="x")
    with pytest.raises(DomainError, match="Say what is wrong"):
        corrections.suggestion_submit(user=stranger, researcher=ada, kind="other")
    with pytest.raises(DomainError, match="not on this record"):
        corrections.suggestion_submit(
            user=stranger, researcher=ada, kind="remove_work", work=paper("W1000000004")
        )
    with pytest.raises(DomainError, match="Choose"):
        corrections.suggestion_submit(user=stranger, researcher=ada, kind="delete_everything")
    corrections.suggestion_submit(user=stranger, researcher=ada, kind="other", message="Twin.")
    with pytest.raises(DomainError, match="already suggested"):
        corrections.suggestion_submit(user=stranger, researcher=ada, kind="other", message="Again")
    assert CorrectionSuggestion.objects.count() == before + 1


def test_suggestion_pages(ada, client, stranger, owner):
    url = reverse("corrections:suggest", args=[ada.pk])
    assert client.get(url).status_code == 302  # log in first
    client.force_login(stranger)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"kind": "remove_work", "work": "10.1234/missing"})
    assert bad.status_code == 400 and b"No work on this record" in bad.content
    sent = client.post(url, {"kind": "remove_work", "work": "10.1234/namesake"}, follow=True)
    assert b"went to its owner" in sent.content
    suggestion = CorrectionSuggestion.objects.get()
    # Only the owner decides it.
    decide = reverse("corrections:decide", args=[suggestion.pk, "accept"])
    assert client.post(decide).status_code == 404
    client.force_login(owner)
    inbox = client.get(reverse("corrections:suggestions")).content.decode()
    assert "A namesake&#x27;s paper" in inbox
    client.post(decide, {"note": "Thanks."})
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted"
    assert "A namesake's paper" not in titles(ada)


# --- API -----------------------------------------------------------------------------------


def test_api_remove_restore_add_and_list(ada, owner_client):
    base = f"/api/researchers/{ada.pk}/corrections/"
    removed = owner_client.post(
        base + "remove/", {"doi": "10.1234/namesake", "reason": "Namesake."}, "application/json"
    )
    assert removed.status_code == 201 and removed.json()["kind"] == "removed"
    assert owner_client.get(base).json()[0]["work_title"] == "A namesake's paper"
    restored = owner_client.post(
        base + "restore/", {"work": paper("W1000000002").pk}, "application/json"
    )
    assert restored.status_code == 204
    added = owner_client.post(base + "add/", {"title": "Ada's missing paper"}, "application/json")
    assert added.status_code == 201 and added.json()["kind"] == "asserted"


def test_api_refuses_the_wrong_person_and_bad_input(ada, client, stranger, owner):
    base = f"/api/researchers/{ada.pk}/corrections/"
    body = {"doi": "10.1234/namesake", "reason": "Mine."}
    before = everything()
    assert client.post(base + "remove/", body, "application/json").status_code in (401, 403)
    client.force_login(stranger)
    assert client.post(base + "remove/", body, "application/json").status_code == 404
    assert client.post(base + "add/", {"work": 1}, "application/json").status_code == 404
    client.force_login(owner)
    for bad in [
        {"reason": "x"},
        {"doi": "10.1234/namesake"},
        {"doi": "x", "work": 1, "reason": "r"},
    ]:
        response = client.post(base + "remove/", bad, "application/json")
        assert response.status_code == 400, bad
    missing = client.post(base + "remove/", {"work": 987654321, "reason": "x"}, "application/json")
    assert missing.status_code == 404 and missing.json()["detail"] == "No such work."
    assert everything() == before


def test_api_merge_and_its_refusals(twins, owner_client, stranger):
    ada, twin = twins
    theirs = own(record(BOB), stranger)
    before = everything()
    url = f"/api/researchers/{ada.pk}/merge/"
    itself = owner_client.post(url, {"into": ada.pk}, "application/json")
    assert itself.status_code == 400 and "into itself" in itself.json()["detail"]
    assert owner_client.post(url, {"into": theirs.pk}, "application/json").status_code == 403
    assert owner_client.post(url, {"into": "x"}, "application/json").status_code == 400
    assert everything() == before

    merged = owner_client.post(url, {"into": twin.pk}, "application/json")
    assert merged.status_code == 200 and merged.json()["id"] == twin.pk
    assert merged.json()["works_count"] == 4
    cycle = owner_client.post(
        f"/api/researchers/{twin.pk}/merge/", {"into": ada.pk}, "application/json"
    )
    assert cycle.status_code == 400 and "redirect to each other" in cycle.json()["detail"]


def test_api_suggestions(ada, client, stranger, owner):
    client.force_login(stranger)
    url = f"/api/researchers/{ada.pk}/suggestions/"
    created = client.post(
        url,
        {"kind": "remove_work", "doi": "10.1234/namesake", "message": "Other Ada."},
        "application/json",
    )
    assert created.status_code == 201
    assert client.post(url, {"kind": "nonsense"}, "application/json").status_code == 400
    assert client.get("/api/suggestions/").json()["results"] == []
    pk = created.json()["id"]
    assert (
        client.post(
            f"/api/suggestions/{pk}/decide/", {"accept": True}, "application/json"
        ).status_code
        == 404
    )
    client.force_login(owner)
    assert [s["id"] for s in client.get("/api/suggestions/").json()["results"]] == [pk]
    decided = client.post(f"/api/suggestions/{pk}/decide/", {"accept": False}, "application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "rejected"
    again = client.post(f"/api/suggestions/{pk}/decide/", {"accept": True}, "application/json")
    assert again.status_code == 409  # already decided: a conflict with its state
