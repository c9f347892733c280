import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from tqdm import tqdm

from graph.models import GraphSlice
from graph.services import graph_slice_build, graph_slice_ensure
from works.models import Researcher

BATCH = 2000


class Command(BaseCommand):
    help = "Build graph slices in this process: the stale ones, all of them, or the given ids."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--stale",
            action="store_true",
            help="slices marked stale, failed, or never built",
        )
        which.add_argument("--all", action="store_true", help="every researcher's slice")
        which.add_argument(
            "ids", nargs="*", type=int, default=[], metavar="ID", help="researcher ids"
        )

    def handle(self, *args, stale, all, ids, **options):
        if ids:
            found = set(Researcher.objects.filter(pk__in=ids).values_list("pk", flat=True))
            missing = sorted(set(ids) - found)
            if missing:
                raise CommandError(f"No researcher with id {', '.join(map(str, missing))}")
            researcher_ids = sorted(found)
            total = len(researcher_ids)
        elif all:
            researcher_ids = _all_researcher_ids()
            total = Researcher.objects.count()
        else:
            researcher_ids = list(
                GraphSlice.objects.filter(Q(stale=True) | ~Q(status=GraphSlice.Status.READY))
                .order_by("researcher_id")
                .values_list("researcher_id", flat=True)
            )
            total = len(researcher_ids)

        built = skipped = 0
        # tqdm draws on a terminal and stays quiet in logs and tests (disable=None).
        progress = tqdm(
            researcher_ids,
            total=total,
            desc="Graph slices",
            unit="slice",
            file=sys.stderr,
            disable=None,
        )
        for researcher_id in progress:
            graph_slice = graph_slice_ensure(researcher_id=researcher_id)
            if graph_slice_build(slice_id=graph_slice.pk, force=True):
                built += 1
            else:
                skipped += 1  # a worker is building it right now
        slices = "graph slice" if built == 1 else "graph slices"
        elsewhere = "was" if skipped == 1 else "were"
        self.stdout.write(f"Built {built} {slices}; {skipped} {elsewhere} being built elsewhere.")


def _all_researcher_ids():
    """Every researcher id, read in keyset pages so that memory stays flat."""
    last = 0
    while True:
        page = list(
            Researcher.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not page:
            return
        yield from page
        last = page[-1]
