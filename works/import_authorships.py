"""The importer's bulk helpers, and the authorships of a batch: who wrote each work.

Split from works.importer (which calls it) so each stays short: chunked lookups, many-to-many
link syncing, OpenAlex's merged author ids, and ``authorships_sync``, which also honours owners'
standing corrections (AuthorshipCorrection).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models

from . import openalex
from .models import Authorship, AuthorshipCorrection, MergedAuthorId, Researcher

# Values per IN (...) list: far below SQLite's limit on bound variables.
LOOKUP_CHUNK = 5000


def chunks(values: Sequence, size: int = LOOKUP_CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def sync_links(
    through: type[models.Model], owner: str, target: str, desired: dict[int, set[int]]
) -> None:
    """Make the many-to-many links of each owner in ``desired`` exactly the given targets."""
    if not desired:
        return
    owner_id, target_id = f"{owner}_id", f"{target}_id"
    existing: dict[int, dict[int, int]] = {}  # owner -> target -> through row pk
    for chunk in chunks(list(desired)):
        for pk, o, t in through.objects.filter(**{f"{owner_id}__in": chunk}).values_list(
            "pk", owner_id, target_id
        ):
            existing.setdefault(o, {})[t] = pk
    stale = [
        pk
        for o, targets in existing.items()
        for t, pk in targets.items()
        if t not in desired.get(o, ())
    ]
    for chunk in chunks(stale):
        through.objects.filter(pk__in=chunk).delete()
    through.objects.bulk_create(
        through(**{owner_id: o, target_id: t})
        for o, targets in desired.items()
        for t in targets
        if t not in existing.get(o, {})
    )


# --- Merged authors -----------------------------------------------------------------------
#
# Two kinds of merge send a work's author to another record: OpenAlex merging an author id into
# another (its merged_ids files, stored as MergedAuthorId), and an owner merging two BZPEER
# records (Researcher.merged_into). Both are kept one hop long, so one lookup each suffices.


def openalex_merges(openalex_ids: Iterable[str]) -> dict[str, str]:
    """Return ``{merged id: surviving id}`` for the ids OpenAlex merged away."""
    ids = list(openalex_ids)
    merged: dict[str, str] = {}
    for chunk in chunks(ids):
        merged.update(
            MergedAuthorId.objects.filter(openalex_id__in=chunk).values_list(
                "openalex_id", "merge_into_id"
            )
        )
    return merged


def stub_of_survivor(stub: openalex.AuthorRef, merged_away: dict[str, str]) -> openalex.AuthorRef:
    # A work still naming a merged id creates (or finds) the survivor's record, not the old one.
    survivor = merged_away.get(stub.openalex_id)
    return dataclasses.replace(stub, openalex_id=survivor) if survivor else stub


def survivors(researchers: dict[str, int], merged_away: dict[str, str]) -> dict[str, int]:
    """Map every author id of the batch to the pk of the record its works belong on."""
    resolved = {
        openalex_id: researchers[merged_away.get(openalex_id, openalex_id)]
        for openalex_id in set(researchers) | set(merged_away)
        if merged_away.get(openalex_id, openalex_id) in researchers
    }
    merged_into: dict[int, int] = {}
    pks = list(set(resolved.values()))
    for chunk in chunks(pks):
        merged_into.update(
            Researcher.objects.filter(pk__in=chunk, merged_into__isnull=False).values_list(
                "pk", "merged_into_id"
            )
        )
    return {openalex_id: merged_into.get(pk, pk) for openalex_id, pk in resolved.items()}


# --- Authorships --------------------------------------------------------------------------


@dataclass(frozen=True)
class DesiredAuthorship:
    researcher_id: int
    order: int
    position: str
    raw_author_name: str
    institution_ids: frozenset[int]


def desired_authorships(
    works: list[openalex.WorkRecord],
    work_pks: dict[str, int],
    researchers: dict[str, int],
    institutions: dict[str, int],
) -> dict[int, list[DesiredAuthorship]]:
    desired: dict[int, list[DesiredAuthorship]] = {}
    for work in works:
        rows: dict[int, DesiredAuthorship] = {}
        for a in work.authorships:
            if a.author is None:
                continue  # no author id, no natural key: counted in authors_count only
            researcher_id = researchers[a.author.openalex_id]
            # OpenAlex sometimes lists one author twice on a work; one authorship per person
            # (the database says so too): the first place in the byline wins.
            rows.setdefault(
                researcher_id,
                DesiredAuthorship(
                    researcher_id=researcher_id,
                    order=a.order,
                    position=a.position,
                    raw_author_name=a.raw_author_name,
                    institution_ids=frozenset(institutions[i.openalex_id] for i in a.institutions),
                ),
            )
        desired[work_pks[work.openalex_id]] = list(rows.values())
    return desired


def authorships_sync(
    *, work_ids: list[int], desired: dict[int, list[DesiredAuthorship]]
) -> set[int]:
    """Make each work's authorships exactly those of its imported record, less owners' corrections.

    Authorships no longer in the record are removed; the others are created or updated, with
    their institutions. This is the one place where a re-import replaces a work's author list,
    so it is also where owners' corrections (works.models.AuthorshipCorrection) hold: a work
    an owner removed from their record is not put back, and one they asserted is not taken away.
    Returns the ids of every researcher who gained, kept or lost an authorship on these works.
    """
    corrections = {
        (work_id, researcher_id): kind
        for work_id, researcher_id, kind in AuthorshipCorrection.objects.filter(
            work_id__in=work_ids
        ).values_list("work_id", "researcher_id", "kind")
    }
    removed = AuthorshipCorrection.Kind.REMOVED
    asserted = AuthorshipCorrection.Kind.ASSERTED
    desired = {
        work_id: [row for row in rows if corrections.get((work_id, row.researcher_id)) != removed]
        for work_id, rows in desired.items()
    }
    existing = {
        (work_id, researcher_id): (pk, order, position, raw_name)
        for pk, work_id, researcher_id, order, position, raw_name in Authorship.objects.filter(
            work_id__in=work_ids
        ).values_list("pk", "work_id", "researcher_id", "order", "position", "raw_author_name")
    }
    wanted = {
        (work_id, row.researcher_id): row for work_id, rows in desired.items() for row in rows
    }
    touched = {researcher_id for _, researcher_id in existing.keys() | wanted.keys()}

    stale = [
        pk
        for key, (pk, *_) in existing.items()
        if key not in wanted and corrections.get(key) != asserted
    ]
    for chunk in chunks(stale):
        Authorship.objects.filter(pk__in=chunk).delete()

    changed = [
        Authorship(
            work_id=work_id,
            researcher_id=row.researcher_id,
            order=row.order,
            position=row.position,
            raw_author_name=row.raw_author_name,
        )
        for (work_id, _), row in wanted.items()
        if existing.get((work_id, row.researcher_id), (None,))[1:]
        != (row.order, row.position, row.raw_author_name)
    ]
    if changed:
        changed = Authorship.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["work", "researcher"],
            update_fields=["order", "position", "raw_author_name"],
        )
    authorship_pks = {key: pk for key, (pk, *_) in existing.items() if key in wanted}
    authorship_pks.update({(a.work_id, a.researcher_id): a.pk for a in changed})
    if not all(authorship_pks.values()) or len(authorship_pks) < len(wanted):
        # A database that does not return the pks of upserted rows.
        authorship_pks = {
            (work_id, researcher_id): pk
            for pk, work_id, researcher_id in Authorship.objects.filter(
                work_id__in=work_ids
            ).values_list("pk", "work_id", "researcher_id")
        }
    sync_links(
        Authorship.institutions.through,
        "authorship",
        "institution",
        {authorship_pks[key]: set(row.institution_ids) for key, row in wanted.items()},
    )
    return touched
