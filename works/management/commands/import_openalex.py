"""manage.py import_openalex PATH...: import OpenAlex files and snapshot folders."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from works.importer import openalex_import

# Fields listed in the summary's warning counts; the rest are summed up as "other fields".
SUMMARY_FIELDS = 20


class Command(BaseCommand):
    help = (
        "Import OpenAlex works, authors, institutions, sources, topics, concepts, publishers "
        "and funders from JSON, JSON Lines or API pages, plain or gzip, given as files or "
        "snapshot folders. Every field is kept; a field that cannot be read is a warning, a "
        "record without a usable id is rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="records per transaction (default: the IMPORT_BATCH_SIZE setting)",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="exit non-zero when a field could not be read (a warning), not only when a "
            "record was rejected",
        )
        parser.add_argument(
            "--quiet-warnings",
            action="store_true",
            help="count warnings in the summary without listing each one",
        )

    def handle(self, *args, paths, batch_size, strict, quiet_warnings, **options):
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path}: no such file or directory")
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1")

        # A progress bar only for a person watching; logs and pipes get plain lines.
        bar = tqdm(unit=" records", dynamic_ncols=True) if self.stdout.isatty() else None

        def say(line):
            if bar is None:
                self.stderr.write(line)
            else:
                with tqdm.external_write_mode():
                    self.stderr.write(line)

        try:
            result = openalex_import(
                paths=paths,
                batch_size=batch_size,
                on_error=lambda error: say(str(error)),
                on_warning=None if quiet_warnings else say,
                on_progress=bar.update if bar is not None else None,
            )
        finally:
            if bar is not None:
                bar.close()

        for skipped, same_as in result.duplicate_files:
            self.stdout.write(f"Skipped {skipped}: same records as {same_as}.")
        for kind, count in sorted(result.skipped.items()):
            self.stdout.write(f"Skipped {count} {kind} record(s): BZPEER does not store them.")
        written = ", ".join(f"{n} {kind}" for kind, n in sorted(result.counts.items())) or "nothing"
        self.stdout.write(
            f"Imported {written} from {result.files} file(s); "
            f"refreshed {result.researchers_changed} researcher(s)."
        )
        unchanged = sum(result.unchanged.values())
        if unchanged:
            detail = ", ".join(f"{n} {k}" for k, n in sorted(result.unchanged.items()) if n)
            self.stdout.write(f"Unchanged: {detail} (the stored copy is as new or newer).")
        if result.duplicates:
            detail = ", ".join(f"{n} {k}" for k, n in sorted(result.duplicates.items()))
            self.stdout.write(
                f"Duplicates: {detail} (an id seen earlier in this import; the newest copy kept)."
            )
        self.stdout.write(f"Rejected {result.rejected} record(s).")
        if result.warning_count:
            self.stdout.write(
                f"Warnings: {result.warning_count} field(s) could not be read and were left "
                "empty, by field:"
            )
            common = result.warnings_by_field.most_common()
            for name, count in common[:SUMMARY_FIELDS]:
                self.stdout.write(f"  {name}: {count}")
            if len(common) > SUMMARY_FIELDS:
                rest = sum(count for _, count in common[SUMMARY_FIELDS:])
                self.stdout.write(f"  {len(common) - SUMMARY_FIELDS} other fields: {rest}")
        if result.rejected:
            raise CommandError(
                f"{result.rejected} record(s) could not be imported (listed above); "
                "the others were imported."
            )
        if strict and result.warning_count:
            raise CommandError(
                f"{result.warning_count} warning(s) (listed above) and --strict: the records "
                "were imported with those fields empty."
            )
