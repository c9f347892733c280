"""Time graph slice builds for researchers of 10, 100, 1,000 and 5,000 works (make bench-graph)."""

import os
import platform
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import F, Func
from django.test.utils import CaptureQueriesContext

from graph import builder
from graph.models import GraphSlice
from graph.queries import read_neighbourhood
from graph.services import graph_slice_build, graph_slice_ensure
from works.models import Researcher, Work

TARGETS = (10, 100, 1000, 5000)
SECTION = "## Graph slices"


class Command(BaseCommand):
    help = (
        "Benchmark graph slice builds on this database, generating a synthetic one first when "
        "it is empty, and optionally write the results into docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--works", type=int, default=1_000_000, help="works to generate into an empty database"
        )
        parser.add_argument("--repeat", type=int, default=5, help="builds timed per researcher")
        parser.add_argument("--write", metavar="FILE", help="replace the Graph slices section")

    def handle(self, *args, works, repeat, write, **options):
        if not settings.DATABASE_IS_POSTGRES:
            raise CommandError("Benchmark against PostgreSQL: set DATABASE_URL.")
        if not Work.objects.exists():
            self.stdout.write(f"Generating {works:,} synthetic works…")
            call_command("generate_synthetic", works=works, verbosity=1)
        # A fresh bulk load has no planner statistics and no visibility map until autovacuum
        # gets round to it, and PostgreSQL then picks whole-table scans; a live database has
        # been vacuumed and analysed, so measure that state.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        work_total = Work.objects.count()
        researcher_total = Researcher.objects.count()
        median = self._median_works()

        rows, seen = [], set()
        for target in (*TARGETS, median):
            researcher = self._researcher_near(target)
            if researcher is None or researcher.pk in seen:
                continue  # a small database's most prolific researcher may be nearest twice
            seen.add(researcher.pk)
            label = "median researcher" if target == median else f"nearest {target:,} works"
            rows.append((label, researcher, *self._time(researcher, repeat)))

        lines = self._report(rows, work_total, researcher_total, repeat)
        self.stdout.write("\n".join(lines))
        if write:
            _replace_section(Path(write), lines)
            self.stdout.write(f"\nWrote the {SECTION[3:]} section of {write}.")

    def _median_works(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY works_count) "
                "FROM profiles_researcher"
            )
            return int(cursor.fetchone()[0] or 0)

    def _researcher_near(self, target: int) -> Researcher | None:
        distance = Func(F("works_count") - target, function="ABS")
        return Researcher.objects.order_by(distance, "pk").first()

    def _time(self, researcher: Researcher, repeat: int):
        """Median and worst full build (fingerprint cleared), read and rank times, queries."""
        graph_slice = graph_slice_ensure(researcher_id=researcher.pk)
        totals, reads, ranks, queries = [], [], [], 0
        for _ in range(repeat + 1):  # the first run warms the caches and is not counted
            GraphSlice.objects.filter(pk=graph_slice.pk).update(fingerprint="")
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                graph_slice_build(slice_id=graph_slice.pk, force=True)
                totals.append(time.perf_counter() - started)
            queries = len(ctx.captured_queries)
            started = time.perf_counter()
            neighbourhood = read_neighbourhood(researcher)
            reads.append(time.perf_counter() - started)
            started = time.perf_counter()
            payload = builder.build_slice(neighbourhood, dict(settings.GRAPH["CAPS"]))
            ranks.append(time.perf_counter() - started)
        totals, reads, ranks = totals[1:], reads[1:], ranks[1:]
        ms = 1000
        return (
            statistics.median(totals) * ms,
            max(totals) * ms,
            statistics.median(reads) * ms,
            statistics.median(ranks) * ms,
            queries,
            len(payload["nodes"]),
        )

    def _report(self, rows, work_total, researcher_total, repeat) -> list[str]:
        lines = [
            f"### {work_total:,} works",
            "",
            f"{researcher_total:,} researchers; {platform.machine()}, {os.cpu_count()} cores; "
            f"median and worst of {repeat} builds.",
            "",
            "| researcher | works | median build | worst build | read | rank + layout "
            "| queries | nodes |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for label, researcher, median, worst, read, rank, queries, nodes in rows:
            lines.append(
                f"| {label} | {researcher.works_count:,} | {median:.1f} ms | {worst:.1f} ms "
                f"| {read:.1f} ms | {rank:.1f} ms | {queries} | {nodes} |"
            )
        return lines


INTRO = """\
`make bench-graph` generates synthetic databases (`generate_synthetic`) of 100,000 and
1,000,000 works, then builds the slices of the researchers nearest 10, 100, 1,000 and 5,000
works, and of the median researcher. Each slice is built several times after one warm-up run,
with its fingerprint cleared so that every build reads, ranks and lays out afresh, after
`VACUUM ANALYZE` (the state autovacuum keeps a live database in). *Read* is the neighbourhood
queries, *rank + layout* the networkx part; a build also claims and writes its row. Targets: a
5,000-work slice under 1 s, the median under 100 ms, and no growth with the database's size."""


def _replace_section(path: Path, lines: list[str]) -> None:
    """Write this database size's table into the section, keeping the other sizes' tables."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start = text.find(SECTION)
    end = -1 if start == -1 else text.find("\n## ", start + len(SECTION))
    before = text if start == -1 else text[:start]
    after = "" if end == -1 else text[end + 1 :]
    old = "" if start == -1 else text[start : end if end != -1 else len(text)]

    tables = {}
    for block in old.split("\n### ")[1:]:
        heading = block.split("\n", 1)[0]
        tables[heading] = "### " + block.strip("\n")
    tables[lines[0][4:]] = "\n".join(lines)

    def size(heading):
        return int(heading.split()[0].replace(",", ""))

    ordered = [tables[heading] for heading in sorted(tables, key=size)]
    section = "\n\n".join([SECTION, INTRO, *ordered])
    parts = [before.rstrip("\n"), section, after.strip("\n")]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(part for part in parts if part) + "\n")
