"""manage.py import_openalex PATH...: import OpenAlex files and snapshot folders.

With ``--workers``, a snapshot folder is imported by Celery workers, one task per part file,
and the command shows the run's progress until it ends (README: "Importing a snapshot with
workers").
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from works import runs, tasks
from works.importer import openalex_import
from works.openalex.manifest import check_manifests

# Fields listed in the summary's warning counts; the rest are summed up as "other fields".
SUMMARY_FIELDS = 20
# How often the command reads a run's progress, and looks for the parts of dead workers.
POLL_SECONDS = 1.0
REQUEUE_SECONDS = 15.0


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
            "--partial",
            action="store_true",
            help="the snapshot is knowingly partial: parts its manifests list may be absent "
            "(they are counted, not listed); a part that is present must still be whole",
        )
        parser.add_argument(
            "--workers",
            action="store_true",
            help="import one snapshot folder through Celery workers, one task per part file; "
            "run again on the same folder, it resumes the unfinished run",
        )
        parser.add_argument(
            "--no-wait",
            action="store_true",
            help="with --workers: queue the parts and return without following the run",
        )
        parser.add_argument(
            "--quiet-warnings",
            action="store_true",
            help="count warnings in the summary without listing each one",
        )

    def handle(self, *args, paths, batch_size, strict, quiet_warnings, partial, **options):
        if options["workers"]:
            return self.handle_workers(paths, batch_size, partial, wait=not options["no_wait"])
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path}: no such file or directory")
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        manifests = self.check_manifests(paths, partial=partial)

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
        if manifests.short:
            raise CommandError(
                f"{len(manifests.short)} part(s) hold fewer records than their manifest lists "
                "(named above); the records they hold were imported."
            )
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

    def handle_workers(self, paths, batch_size, partial, *, wait):
        if len(paths) != 1 or not paths[0].is_dir():
            raise CommandError("--workers imports one snapshot folder")
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            run, created = runs.import_run_start(
                source=paths[0], partial=partial, batch_size=batch_size
            )
        except runs.SnapshotIncomplete as exc:
            for line in exc.lines:
                self.stderr.write(line)
            raise CommandError(
                f"{len(exc.lines)} problem(s) with the snapshot's manifests (named above); "
                "nothing was queued. Pass --partial if the snapshot is knowingly partial."
            ) from None
        figures = runs.import_run_progress(run)
        self.stdout.write(
            f"{'Started' if created else 'Resuming'} import run {run.pk} of {run.source}: "
            f"{figures['parts']} part(s), {figures['done'] + figures['failed']} finished."
        )
        tasks.import_run_queue(run_id=run.pk)
        if wait:
            self.follow(run)
            self.report_run(run)

    def follow(self, run):
        """Show the run's progress until it ends, and requeue the parts of dead workers."""
        bars = None
        if self.stdout.isatty():
            figures = runs.import_run_progress(run)
            bars = (
                tqdm(total=figures["parts"], unit=" parts", position=0, dynamic_ncols=True),
                tqdm(total=figures["expected"] or None, unit=" records", position=1),
            )
        requeued_at = time.monotonic()
        try:
            while True:
                run.refresh_from_db()
                figures = runs.import_run_progress(run)
                if bars is not None:
                    bars[0].n = figures["done"] + figures["failed"]
                    bars[1].n = figures["records"]
                    for bar in bars:
                        bar.refresh()
                if run.state != run.State.RUNNING:
                    return
                if time.monotonic() - requeued_at > REQUEUE_SECONDS:
                    tasks.import_run_queue(run_id=run.pk, only_orphans=True)
                    requeued_at = time.monotonic()
                time.sleep(POLL_SECONDS)
        finally:
            for bar in bars or ():
                bar.close()

    def report_run(self, run):
        figures = runs.import_run_progress(run)
        for part in run.parts.filter(state=runs.State.FAILED):
            for line in part.error_lines or [f"{part.path}: failed"]:
                self.stderr.write(line)
        self.stdout.write(
            f"Import run {run.pk} {run.state}: {figures['done']} part(s) done, "
            f"{figures['failed']} failed; {figures['records']} record(s) read, "
            f"{figures['written']} written, {figures['warnings']} warning(s); "
            f"refreshed {run.researchers_refreshed or 0} researcher(s)."
        )
        if figures["failed"]:
            raise CommandError(
                f"{figures['failed']} part(s) failed (listed above); the others were imported. "
                "Fix them and run the command again: the run resumes with them."
            )

    def check_manifests(self, paths, *, partial):
        """Every part a manifest lists is present (unless --partial) and whole, by name."""
        report = check_manifests(paths)
        for line in report.unreadable + report.short_lines():
            self.stderr.write(line)
        if report.unreadable:
            raise CommandError(f"{len(report.unreadable)} manifest(s) could not be read.")
        if report.missing and partial:
            self.stdout.write(
                f"Partial snapshot: {len(report.missing)} of {len(report.entries)} part(s) "
                "its manifests list are not here."
            )
        elif report.missing:
            for line in report.missing_lines():
                self.stderr.write(line)
            raise CommandError(
                f"{len(report.missing)} of {len(report.entries)} part(s) the manifests list are "
                "missing (named above); nothing was imported. Pass --partial if the snapshot is "
                "knowingly partial."
            )
        return report
