import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bzpeer.demo import synthetic


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic world of N works (researchers, teams, consortia, "
        "topics, institutions, venues). Refuses a database that already holds works or "
        "researchers unless --append is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--works", type=int, required=True, help="number of works")
        parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
        parser.add_argument(
            "--append",
            action="store_true",
            help="add the world beside existing data; ids continue after the highest ones",
        )

    def handle(self, *args, works, seed, append, verbosity, **options):
        if works < 1:
            raise CommandError("--works must be at least 1")
        # Appending is opt-in: generated records beside real imports must be a deliberate
        # choice, and only an empty database gives the seed's exact rows and keys.
        if not append and not synthetic.database_is_empty():
            raise CommandError(
                "The database already holds works or researchers; use --append to add to them."
            )
        bar = tqdm(
            total=works,
            unit="works",
            unit_scale=True,
            disable=verbosity < 1 or not sys.stderr.isatty(),
        )
        with bar:
            summary = synthetic.generate(
                works=works,
                seed=seed,
                append=append,
                progress=bar.update,
                log=bar.write if verbosity >= 1 else None,
            )
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {summary.works:,} works, {summary.researchers:,} researchers, "
                    f"{summary.authorships:,} authorships, {summary.topics:,} topics, "
                    f"{summary.institutions:,} institutions and {summary.sources:,} sources "
                    f"in {summary.seconds:.1f} s (seed {seed})."
                )
            )
