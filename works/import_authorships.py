"""The importer's bulk helpers, and the bylines of a batch: who wrote each work, as published.

Split from works.importer (which calls it) so each stays short: chunked lookups, OpenAlex's
merged author ids, and ``authorships_sync``, which keeps every byline entry in its place and
honours owners' standing corrections (AuthorshipCorrection).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models

from . import bulk, import_sql, openalex
from .models import (
    Authorship,
    AuthorshipCorrection,
    AuthorshipInstitution,
    MergedAuthorId,
    Researcher,
)

# Values per IN (...) list: far below SQLite's limit on bound variables.
LOOKUP_CHUNK = 5000


def chunks(values: Sequence, size: int = LOOKUP_CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- Merged authors -----------------------------------------------------------------------
#
# Two kinds of merge send a work's author to another record: OpenAlex merging an author id into
# another (its merged_ids files, stored as MergedAuthorId), and an owner merging two BZPEER
# records (Researcher.merged_into). Both are kept one hop long, so one lookup each suffices.


def openalex_merges(openalex_ids: Iterable[str]) -> dict[str, str]:
    """Return ``{merged id: surviving id}`` for the ids OpenAlex merged away."""
    ids = list(openalex_ids)
    if bulk.is_postgres():
        return import_sql.lookup(MergedAuthorId, "openalex_id", "merge_into_id", ids)
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
    if bulk.is_postgres():
        merged_into = import_sql.lookup(
            Researcher, "id", "merged_into_id", pks, " AND merged_into_id IS NOT NULL"
        )
        pks = []
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
    """One byline entry as the import wants it stored (its place is ``order``)."""

    order: int
    researcher_id: int | None
    position: str
    raw_author_name: str
    raw_affiliation_strings: tuple[str, ...] = ()
    is_corresponding: bool | None = None
    countries: tuple[str, ...] = ()
    institution_ids: tuple[int, ...] = ()

    def columns(self) -> tuple:
        return (
            self.researcher_id,
            self.position,
            self.raw_author_name,
            list(self.raw_affiliation_strings),
            self.is_corresponding,
            list(self.countries),
        )


_COLUMNS = [
    "researcher_id",
    "position",
    "raw_author_name",
    "raw_affiliation_strings",
    "is_corresponding",
    "countries",
]


def desired_authorships(
    works: list[openalex.WorkRecord],
    work_pks: dict[str, int],
    researchers: dict[str, int],
    institutions: dict[str, int],
) -> dict[int, list[DesiredAuthorship]]:
    """Every byline entry of each work, in its place; unlinked ones have no researcher."""
    return {
        work_pks[work.openalex_id]: [
            DesiredAuthorship(
                order=a.order,
                researcher_id=researchers[a.author.openalex_id] if a.author else None,
                position=a.position,
                raw_author_name=a.raw_author_name,
                raw_affiliation_strings=a.raw_affiliation_strings,
                is_corresponding=a.is_corresponding,
                countries=a.countries,
                institution_ids=tuple(institutions[i.openalex_id] for i in a.institutions),
            )
            for a in work.authorships
        ]
        for work in works
    }


def _with_corrections(
    desired: dict[int, list[DesiredAuthorship]], existing: dict[tuple[int, int], tuple]
) -> dict[int, list[DesiredAuthorship]]:
    """Apply owners' standing corrections (AuthorshipCorrection) to the imported bylines.

    A work an owner removed from their record keeps its byline entry, unlinked; a work an
    owner asserted keeps their entry (after the imported ones) when the record does not list
    them.
    """
    corrections: dict[tuple[int, int], str] = {}
    for chunk in chunks(list(desired)):
        corrections.update(
            {
                (work_id, researcher_id): kind
                for work_id, researcher_id, kind in AuthorshipCorrection.objects.filter(
                    work_id__in=chunk
                ).values_list("work_id", "researcher_id", "kind")
            }
        )
    if not corrections:
        return desired
    removed = AuthorshipCorrection.Kind.REMOVED
    asserted = AuthorshipCorrection.Kind.ASSERTED
    # The asserted entries as they are stored now, by (work, researcher).
    stored = {
        (work_id, columns[0]): columns for (work_id, _), columns in existing.items() if columns[0]
    }
    corrected = {}
    for work_id, rows in desired.items():
        rows = [
            dataclasses.replace(row, researcher_id=None)
            if corrections.get((work_id, row.researcher_id)) == removed
            else row
            for row in rows
        ]
        linked = {row.researcher_id for row in rows}
        after = max((row.order for row in rows), default=-1) + 1
        owners = sorted(
            researcher_id
            for (w, researcher_id), kind in corrections.items()
            if w == work_id and kind == asserted and researcher_id not in linked
        )
        for offset, researcher_id in enumerate(owners):
            kept = stored.get((work_id, researcher_id))
            rows.append(
                DesiredAuthorship(
                    order=after + offset,
                    researcher_id=researcher_id,
                    position=kept[1] if kept else "",
                    raw_author_name=kept[2] if kept else "",
                )
            )
        corrected[work_id] = rows
    return corrected


def authorships_sync(
    *, work_ids: list[int], desired: dict[int, list[DesiredAuthorship]]
) -> set[int]:
    """Make each work's byline exactly its imported record's, with owners' corrections.

    Entries are keyed by their place (work, order): changed ones are updated, new ones
    created, places the record no longer has deleted; then each entry's institutions are
    synced in their order. This is the one place where a re-import replaces a work's byline,
    so it is also where owners' corrections hold (``_with_corrections``).
    Returns the ids of every researcher linked to these works before or after.
    """
    if bulk.is_postgres():
        existing = import_sql.authorships_existing(work_ids)
        desired = _with_corrections(desired, existing)
        wanted = {(work_id, row.order): row for work_id, rows in desired.items() for row in rows}
        touched = {columns[0] for columns in existing.values() if columns[0]}
        touched |= {row.researcher_id for row in wanted.values() if row.researcher_id}
        import_sql.authorships_write(work_ids, wanted, _COLUMNS)
        return touched
    existing: dict[tuple[int, int], tuple] = {}  # (work, order) -> (columns..., pk)
    for chunk in chunks(work_ids):
        for pk, work_id, order, *columns in Authorship.objects.filter(
            work_id__in=chunk
        ).values_list("pk", "work_id", "order", *_COLUMNS):
            existing[(work_id, order)] = (*columns, pk)
    desired = _with_corrections(desired, existing)
    wanted = {(work_id, row.order): row for work_id, rows in desired.items() for row in rows}
    touched = {columns[0] for columns in existing.values() if columns[0]}
    touched |= {row.researcher_id for row in wanted.values() if row.researcher_id}

    stale = [columns[-1] for key, columns in existing.items() if key not in wanted]
    for chunk in chunks(stale):
        Authorship.objects.filter(pk__in=chunk).delete()
    changed = [
        Authorship(work_id=work_id, order=order, **dict(zip(_COLUMNS, row.columns(), strict=True)))
        for (work_id, order), row in wanted.items()
        if existing.get((work_id, order), (None,))[:-1] != row.columns()
    ]
    if changed:
        changed = Authorship.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["work", "order"],
            update_fields=[c.removesuffix("_id") if c == "researcher_id" else c for c in _COLUMNS],
        )
    pks = {key: columns[-1] for key, columns in existing.items() if key in wanted}
    pks.update({(a.work_id, a.order): a.pk for a in changed})
    if not all(pks.values()) or len(pks) < len(wanted):
        # A database that does not return the pks of upserted rows.
        pks = {}
        for chunk in chunks(work_ids):
            pks.update(
                {
                    (work_id, order): pk
                    for pk, work_id, order in Authorship.objects.filter(
                        work_id__in=chunk
                    ).values_list("pk", "work_id", "order")
                }
            )
    ordered_links_sync(
        AuthorshipInstitution,
        "authorship",
        "institution",
        {pks[key]: list(row.institution_ids) for key, row in wanted.items()},
    )
    return touched


def ordered_links_sync(
    through: type[models.Model], owner: str, target: str, desired: dict[int, list[int]]
) -> None:
    """Make the ordered links of each owner exactly the given targets, in their order."""
    if not desired:
        return
    owner_id, target_id = f"{owner}_id", f"{target}_id"
    existing: dict[tuple[int, int], tuple[int, int]] = {}  # (owner, order) -> (target, pk)
    for chunk in chunks(list(desired)):
        for pk, o, order, t in through.objects.filter(**{f"{owner_id}__in": chunk}).values_list(
            "pk", owner_id, "order", target_id
        ):
            existing[(o, order)] = (t, pk)
    wanted = {(o, order): t for o, targets in desired.items() for order, t in enumerate(targets)}
    stale = [pk for key, (t, pk) in existing.items() if wanted.get(key) != t]
    for chunk in chunks(stale):
        through.objects.filter(pk__in=chunk).delete()
    through.objects.bulk_create(
        [
            through(**{owner_id: o, target_id: t, "order": order})
            for (o, order), t in wanted.items()
            if existing.get((o, order), (None,))[0] != t
        ],
        batch_size=5000,
    )
