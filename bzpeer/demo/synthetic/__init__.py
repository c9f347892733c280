"""A deterministic synthetic scholarly world, for the demo site and for benchmarks.

Nothing here may pose as a real person, institution or work:
- names are built from invented syllables ("Nyxora T. Quasenryx"), institutions and venues all
  carry "Synthetic" in their name and live under the reserved ``.example`` domain;
- DOIs use the DOI test prefix: ``10.5555/synthetic.w9…``;
- OpenAlex-like ids are ``W9``/``A9``/``I9``/``S9``/``T9`` followed by 11 digits (12 digits
  after the letter). Real OpenAlex ids have at most 10 digits, and the test factories use
  ``A9`` + 9 digits, so neither can collide with these;
- ORCID iDs are generated with a valid ISO 7064 checksum in the ``0000-0000-…`` block, which
  ORCID does not issue (it issues 0000-0001-5… to 0000-0003-5… and 0009-…), so a generated iD
  never links to a real person's record. The brief suggested 0000-0002-9…, but that block is
  inside ORCID's issued range.

Shape: productivity is skewed. Each work comes from a "lab" chosen with a Zipf-like weight, so a
few principal investigators have thousands of works (about 5,000 for the top one at 1,000,000
works) and the smallest labs about ten. Labs keep a recurring core team (close collaborators),
take in students who mostly publish once, and now and then borrow someone from another lab.
A few consortia publish papers with hundreds of authors, which must not count as close
collaboration (TRUST.md).

Same seed and same number of works on an empty database give the same rows, primary keys
included; only the created/updated timestamps record when the rows were written.

The package: ``vocabulary`` (shape and invented words), ``world`` (the generator), ``bulk``
(the fast writers and counters); ``generate`` below is the entry point.
"""

import time
from collections.abc import Callable

from django.core.management.color import no_style
from django.db import connection, transaction

from works.models import Authorship, Institution, Researcher, Source, Topic, Work

from .bulk import (
    BulkWriter,
    CopyWriter,
    drop_foreign_keys,
    drop_secondary_indexes,
    prune_researchers_without_works,
    refresh_counters,
    restore_foreign_keys,
    restore_indexes,
    write_held_figures,
    write_search_index,
)
from .vocabulary import CHUNK_WORKS, DEFAULT_SEED, DOI_PREFIX
from .world import Generator, Ids, Summary

__all__ = ["DEFAULT_SEED", "DOI_PREFIX", "Summary", "database_is_empty", "generate"]


def database_is_empty() -> bool:
    return not (Work.objects.exists() or Researcher.objects.exists())


def generate(
    *,
    works: int,
    seed: int = DEFAULT_SEED,
    append: bool = False,
    progress: Callable[[int], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> Summary:
    """Write a synthetic world of `works` works in one transaction; return what was written.

    With append, primary keys and synthetic ids continue after the rows already present;
    without it the caller must make sure the database holds no works or researchers.
    """
    if works < 1:
        raise ValueError("works must be at least 1")
    if not append and not database_is_empty():
        raise ValueError("the database already holds works or researchers; pass append=True")
    started = time.monotonic()

    def step(message):
        if log:
            log(f"{message} ({time.monotonic() - started:.0f} s)")

    with transaction.atomic(), connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            # Sorting for new indexes and hashing millions of co-author pairs need room.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # Run the caller's pending deferred checks now: PostgreSQL refuses to alter a table
            # that still has some.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            foreign_keys = drop_foreign_keys(cursor)
            indexes = drop_secondary_indexes(cursor)
            writer = CopyWriter(cursor)
        else:
            writer = BulkWriter(cursor)
        ids = Ids(append=append)
        generator = Generator(works=works, seed=seed, ids=ids)
        summary = Summary()
        for model, columns, rows in generator.reference_rows():
            writer.write(model, columns, rows)
            setattr(summary, f"{model._meta.model_name}s", len(rows))
        generator.labs_and_consortia()
        for tables, done in generator.work_chunks(CHUNK_WORKS):
            for model, columns, rows in tables:
                writer.write(model, columns, rows)
            if progress:
                progress(done)
        # Prune before the foreign keys are back: each deleted row would otherwise be checked
        # against authorships that have no researcher index yet.
        pruned = prune_researchers_without_works(cursor, ids.pk[Researcher])
        if postgres:
            step("Checking foreign keys")
            restore_foreign_keys(cursor, foreign_keys)
        step("Computing counters and trust scores")
        refresh_counters(writer, cursor, ids.pk[Researcher])
        write_held_figures(writer, cursor, ids.pk[Researcher])
        step("Indexing names and topics")
        write_search_index(writer, cursor, ids.pk[Researcher])
        if postgres:
            step("Building indexes")
            restore_indexes(cursor, indexes)
        reset = connection.ops.sequence_reset_sql(
            no_style(), [Topic, Institution, Source, Researcher, Work, Authorship]
        )
        for statement in reset:
            cursor.execute(statement)
    summary.works = generator.work_count
    summary.researchers = len(generator.names) - pruned
    summary.authorships = generator.authorship_count
    summary.seconds = time.monotonic() - started
    return summary
