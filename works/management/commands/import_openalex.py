"""manage.py import_openalex PATH...: import OpenAlex files and snapshot folders."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from works.importer import openalex_import


class Command(BaseCommand):
    help = (
        "Import OpenAlex works, authors, institutions, sources and topics from JSON, JSON Lines "
        "or API pages, plain or gzip, given as files or snapshot folders."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="records per transaction (default: the IMPORT_BATCH_SIZE setting)",
        )

    def handle(self, *args, paths, batch_size, **options):
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path}: no such file or directory")
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1")

        # A progress bar only for a person watching; logs and pipes get plain lines.
        bar = tqdm(unit=" records", dynamic_ncols=True) if self.stdout.isatty() else None

        def on_error(error):
            if bar is None:
                self.stderr.write(str(error))
            else:
                with tqdm.external_write_mode():
                    self.stderr.write(str(error))

        try:
            result = openalex_import(
                paths=paths,
                batch_size=batch_size,
                on_error=on_error,
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
        if result.error_count:
            raise CommandError(
                f"{result.error_count} record(s) could not be imported (listed above); "
                "the others were imported."
            )
