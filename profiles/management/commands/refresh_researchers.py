import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from profiles.services import researchers_refresh
from works.models import Researcher

BATCH = 1000


class Command(BaseCommand):
    help = (
        "Recompute researchers' counters, trust scores and search index: all of them (after an "
        "upgrade that adds a derived field, or a new trust rubric version) or the given ids."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="every researcher")
        which.add_argument("ids", nargs="*", type=int, default=[], metavar="ID")

    def handle(self, *args, all, ids, **options):
        if ids:
            found = set(Researcher.objects.filter(pk__in=ids).values_list("pk", flat=True))
            if missing := sorted(set(ids) - found):
                raise CommandError(f"No researcher with id {', '.join(map(str, missing))}")
            total = len(found)
            batches = [sorted(found)]
        else:
            total = Researcher.objects.count()
            batches = _id_batches()
        # tqdm draws on a terminal and stays quiet in logs and tests (disable=None).
        with tqdm(
            total=total, desc="Researchers", unit="record", file=sys.stderr, disable=None
        ) as bar:
            refreshed = 0
            for batch in batches:
                refreshed += researchers_refresh(researcher_ids=batch)
                bar.update(len(batch))
        self.stdout.write(f"Refreshed {refreshed:,} researchers.")


def _id_batches():
    """Every researcher id, a batch at a time, by keyset: never the whole table in memory."""
    last = 0
    while batch := list(
        Researcher.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
    ):
        yield batch
        last = batch[-1]
