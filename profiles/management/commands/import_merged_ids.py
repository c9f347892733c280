"""manage.py import_merged_ids PATH...: apply OpenAlex's merged author ids.

A separate command, not part of import_openalex: merged_ids files are CSV, not records; OpenAlex
publishes them beside the entity folders on their own dates; and applying them merges records,
which is a correction with its own rules (profiles.corrections.merges), not an upsert. Run it after
import_openalex on the same snapshot: ``import_merged_ids openalex/merged_ids``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles.corrections.merges import MergesResult, openalex_merges_apply
from works import openalex

BATCH_SIZE = 5000


class Command(BaseCommand):
    help = (
        "Apply OpenAlex merged_ids CSV files (merge_date,id,merge_into_id; plain or gzip), given "
        "as files or a snapshot's merged_ids folder. Author merges are applied; others are "
        "counted and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    def handle(self, *args, paths, **options):
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path}: no such file or directory")
        files, duplicates = openalex.find_merged_ids_files(paths)
        for skipped, same_as in duplicates:
            self.stdout.write(f"Skipped {skipped}: same rows as {same_as}.")

        totals = MergesResult()
        errors = 0
        batch: list[openalex.MergedId] = []

        def flush():
            totals.add(openalex_merges_apply(merges=batch))
            batch.clear()

        for file in files:
            for item in openalex.read_merged_ids(file):
                if isinstance(item, openalex.ParseError):
                    errors += 1
                    self.stderr.write(str(item))
                    continue
                batch.append(item.record)
                if len(batch) >= BATCH_SIZE:
                    flush()
        if batch:
            flush()

        for merge in totals.cycles:
            self.stderr.write(
                f"Skipped {merge.openalex_id} -> {merge.merge_into_id}: "
                f"{merge.merge_into_id} already merged into {merge.openalex_id}."
            )
        for source, target in totals.conflicts:
            self.stdout.write(
                f"Left for the moderators: {source.openalex_id} and {target.openalex_id} are "
                "owned by different people."
            )
        if totals.not_authors:
            self.stdout.write(f"Skipped {totals.not_authors} non-author merge(s).")
        self.stdout.write(
            f"Read {len(files)} file(s): {totals.stored} merged author id(s) recorded, "
            f"{totals.unchanged} already known; {totals.records_merged} record(s) merged, "
            f"{totals.records_renamed} renamed."
        )
        if errors:
            raise CommandError(f"{errors} row(s) could not be read (listed above).")
