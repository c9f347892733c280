"""make bench-scale: a snapshot imported through Celery workers (1 and 2 worker processes),
and an incremental sync of 1% changed works beside a full re-import of the same data.

The snapshot is made from the real OpenAlex works of ../shared/real-data, copied under fresh
work and author ids (as make bench-storage does) into part files of one partition; the newer
snapshot adds one partition holding a newer copy of 1% of the works. Each import starts from
an empty, migrated database of its own; workers and the command run as the production stack
does (DEBUG off, a Redis of its own on BENCH_REDIS_PORT, 6391 unless set). Writes the
"Parallel import and sync" section of docs/benchmarks.md.

With --large-database DB (a copy of a generated bench database, which the syncs change), it
first syncs changed copies of DB's own works into DB, and writes the "Incremental sync into a
large database" section: what a sync costs when the database is large and the change small.
"""

import argparse
import datetime as dt
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import common
from storage import COPY_ID, real_records

DATABASE = os.environ.get("BENCH_SCALE_DATABASE", "bzpeer_bench_scale")
TEMPLATE = f"{DATABASE}_template"
REIMPORT = f"{DATABASE}_reimport"
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "6391"))
HEADING = "Parallel import and sync"
LARGE_HEADING = "Incremental sync into a large database"


def works(count: int) -> list[str]:
    """`count` distinct work records as JSON lines: the real works, copied under new ids."""
    real, _ = real_records()
    lines = []
    copy = 0
    while len(lines) < count:
        for record in real:
            text = json.dumps(record)
            if copy:
                text = COPY_ID.sub(lambda m, c=copy: f"{m[1]}{m[2]}{c:04d}", text)
            lines.append(text)
            if len(lines) == count:
                break
        copy += 1
    return lines


def write_part(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(line + "\n" for line in lines)


def write_snapshots(folder: Path, count: int, parts: int) -> tuple[Path, Path, int]:
    lines = works(count)
    first = folder / "2024-01" / "openalex"
    size = -(-len(lines) // parts)
    for n in range(parts):
        part = first / "works" / "updated_date=2024-01-01" / f"part_{n:03d}.gz"
        write_part(part, lines[n * size : (n + 1) * size])
    newer = folder / "2024-02" / "openalex"
    shutil.copytree(first, newer)
    changed = []
    for line in random.Random(13).sample(lines, max(1, count // 100)):
        record = json.loads(line)
        record["title"] = record["display_name"] = f"{record.get('title') or ''} (revised)"
        # Newer than any real record's date, so that every copy is written.
        record["updated_date"] = "2030-02-01T00:00:00"
        changed.append(json.dumps(record))
    write_part(newer / "works" / "updated_date=2030-02-01" / "part_000.gz", changed)
    return first, newer, len(changed)


def fresh_database(env: dict) -> None:
    if not common.database_exists(TEMPLATE):
        common.create_database(TEMPLATE)
    # Every time: a template kept from an earlier run may lack a newer migration.
    common.manage(
        "migrate", "--noinput", "-v0", env={**env, "DATABASE_URL": common.db_url(TEMPLATE)}
    )
    common.create_database(DATABASE, template=TEMPLATE)


@dataclass
class Measured:
    seconds: float
    peak_mb: float  # the largest resident set of the command (or of one worker process)
    output: str = ""


def vmhwm_mb(pid: int) -> float:
    """A live process's peak resident set so far (0 once it has exited)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def timed(*args, env: dict) -> Measured:
    """Run a manage.py command; its wall time and peak resident memory.

    The peak is read from /proc while it runs: wait4's ru_maxrss would count the copy of this
    (large) process that fork makes before the command is executed.
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        [common.PY, "manage.py", *args], cwd=common.REPO, env=env, stdout=subprocess.PIPE, text=True
    )
    peak = [0.0]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], vmhwm_mb(process.pid))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    output = process.stdout.read()
    process.wait()
    done.set()
    watcher.join()
    process.stdout.close()
    seconds = time.perf_counter() - started
    if process.returncode:
        print(output)
        raise subprocess.CalledProcessError(process.returncode, args)
    return Measured(seconds, peak[0], output.strip())


def session_peak_mb(session: int) -> float:
    """The largest peak resident set (VmHWM) among the live processes of one session."""
    peak = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) != session:  # the session id (field 6)
                continue
            for line in stat.with_name("status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (OSError, IndexError, ValueError):
            continue
    return peak / 1024


@dataclass
class ParallelRun:
    measured: Measured
    worker_peak_mb: float
    parts_seconds: float  # from the first part's start to the last part's end
    finish_seconds: float  # the end of the run: the touched researchers refreshed once
    refreshed: int


def parallel_import(snapshot: Path, processes: int, env: dict) -> ParallelRun:
    fresh_database(env)
    celery = str(Path(common.PY).with_name("celery"))
    args = [celery, "-A", "bzpeer", "worker", "--pool=prefork", f"--concurrency={processes}"]
    args += ["--loglevel=warning", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    worker = common.start(args, env=env, log=common.VAR / f"scale-worker-{processes}.log")
    try:
        time.sleep(3)  # the pool up before the first part is queued
        measured = timed("import_openalex", "--workers", str(snapshot), env=env)
        worker_peak = session_peak_mb(worker.pid)
    finally:
        common.stop(worker)
    with common.pg(DATABASE) as conn:
        parts, finish, refreshed = conn.execute(
            "SELECT extract(epoch FROM max(p.finished_at) - min(p.started_at)), "
            "extract(epoch FROM r.finished_at - max(p.finished_at)), r.researchers_refreshed "
            "FROM works_importrun r JOIN works_importpart p ON p.run_id = r.id GROUP BY r.id"
        ).fetchone()
    return ParallelRun(measured, worker_peak, float(parts), float(finish), refreshed or 0)


def mark_synced(day: str, database: str = DATABASE) -> None:
    with common.pg(database) as conn:
        conn.execute(
            "INSERT INTO works_syncstate (source, synced_until, entity, cursor, records, "
            "last_error, updated_at) VALUES ('snapshot', %s, '', '', 0, '', now()) "
            "ON CONFLICT (source) DO UPDATE SET synced_until = EXCLUDED.synced_until",
            [f"{day}T00:00:00+00:00"],
        )


# Run in `manage.py shell` on the large database: `count` of its works, sampled, as the
# OpenAlex API serves them (built from the typed columns), each a newer copy with a new title.
EXPORT = """
import gzip, json, random
from django.db.models import Max, Min
from works.models import Work
from works.openalex_api.entities.base import load_works
from works.openalex_api.serializers import work
span = Work.objects.aggregate(low=Min("pk"), high=Max("pk"))
wanted = random.Random({seed}).sample(range(span["low"], span["high"] + 1), {count})
with gzip.open({out!r}, "wt", encoding="utf-8") as out:
    for start in range(0, len(wanted), 500):
        for row in load_works(Work.objects.filter(pk__in=wanted[start:start + 500])):
            record = work(row)
            record["title"] = record["display_name"] = (record["title"] or "") + " (revised)"
            record["updated_date"] = "{day}T00:00:00"
            out.write(json.dumps(record) + "\\n")
"""


def sync_into_large(database: str, counts: list[int], env: dict) -> list[tuple[int, Measured]]:
    """For each count: that many works of the large database, changed, synced from a newer
    snapshot's one new partition."""
    measured = []
    large_env = {**env, "DATABASE_URL": common.db_url(database)}
    with common.pg(database) as conn:
        point = conn.execute(
            "SELECT max(synced_until)::date FROM works_syncstate WHERE source = 'snapshot'"
        ).fetchone()[0]
    # After the last sync point a run of this bench left: each sync's works are newer.
    start = max(point or dt.date(2030, 1, 1), dt.date(2030, 1, 1))
    for n, count in enumerate(counts):
        since, day = start + dt.timedelta(days=2 * n), start + dt.timedelta(days=2 * n + 1)
        with tempfile.TemporaryDirectory(prefix="bzpeer-scale-large-") as folder:
            root = Path(folder) / "openalex"
            part = root / "works" / f"updated_date={day}" / "part_000.gz"
            part.parent.mkdir(parents=True)
            code = EXPORT.format(seed=day.toordinal(), count=count, out=str(part), day=day)
            common.manage("shell", "-c", code, env=large_env)
            mark_synced(since.isoformat(), database)
            measured.append((count, timed("sync_openalex", "--snapshot", str(root), env=large_env)))
    return measured


def row(*cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def parallel_row(run: ParallelRun, processes: int, works: int) -> str:
    label = (
        f"`import_openalex --workers`, {processes} worker process{'es' if processes > 1 else ''}"
    )
    return row(
        label,
        f"{run.measured.seconds:.1f}",
        f"{works / run.measured.seconds:,.0f}",
        f"{run.parts_seconds:.1f}",
        f"{run.finish_seconds:.1f}",
        f"{run.measured.peak_mb:.0f} / {run.worker_peak_mb:.0f}",
    )


def researcher_count(database: str = DATABASE) -> int:
    with common.pg(database) as conn:
        return conn.execute("SELECT count(*) FROM profiles_researcher").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=20_000)
    parser.add_argument("--parts", type=int, default=8)
    parser.add_argument(
        "--why",
        default='the default size of `make bench-scale` (`ARGS="--works N"` for another)',
        help="why this size, for the report",
    )
    parser.add_argument(
        "--large-database",
        help="also sync changed works into this database (a copy of a generated bench "
        "database: it is changed), into its own section",
    )
    parser.add_argument(
        "--large-counts",
        default="",
        help="with --large-database: comma-separated numbers of changed works (default: 1%% of "
        "its works, and 1%% of --works)",
    )
    parser.add_argument("--skip-parallel", action="store_true", help="only --large-database")
    options = parser.parse_args()
    # One Redis for the whole bench (the broker, and the cache whose pages a refresh retires).
    with common.redis_server(REDIS_PORT, "scale-redis"):
        if options.large_database:
            large(options)
        if not options.skip_parallel:
            parallel(options)


def large(options) -> None:
    database = options.large_database
    env = common.production_env(database, f"redis://127.0.0.1:{REDIS_PORT}/0")
    size = common.work_count(database)
    researchers = researcher_count(database)
    counts = [int(c) for c in options.large_counts.split(",") if c.strip()]
    counts = counts or [max(1, options.works // 100), max(1, size // 100)]
    common.manage(
        "migrate", "--noinput", "-v0", env={**env, "DATABASE_URL": common.db_url(database)}
    )
    runs = sync_into_large(database, counts, env)
    rows = []
    for count, measured in runs:
        refreshed = re.search(r"refreshed (\d+) researcher", measured.output)
        rows.append(
            row(
                f"{count:,}",
                f"{measured.seconds:.1f}",
                f"{1000 * measured.seconds / count:.1f}",
                f"{int(refreshed[1]):,}" if refreshed else "?",
                f"{measured.peak_mb:.0f}",
            )
        )
    table = "\n".join(rows)
    body = f"""
`make bench-scale ARGS="--large-database ..."` ({time.strftime("%Y-%m-%d %H:%M")} UTC, load
{common.load_average()}): `sync_openalex --snapshot` into a copy of the generated bench
database, {size:,} works and {researchers:,} researchers. Each newer snapshot holds one new
`updated_date=` partition: that many of its works, sampled, as BZPEER's own OpenAlex API
serves them, each with a new title and a newer `updated_date` (so every one is written and
its researchers refreshed). No worker: the command alone, as after a monthly snapshot.

| changed works | seconds | s per 1,000 changed | researchers refreshed | peak MB |
|---|---:|---:|---:|---:|
{table}

Compare the seconds per 1,000 changed works with the sync in "Parallel import and sync"
(into a database {size // max(1, options.works):,}× smaller). Nothing in the sync reads the whole
database: only the new partitions are read, and only the changed works' researchers are
refreshed (counters, trust scores, name keys), their cached pages retired and their graph
slices marked stale.
"""
    common.replace_section(LARGE_HEADING, body)
    print(body)


def parallel(options) -> None:
    redis_url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    env = common.production_env(DATABASE, redis_url)
    loads = []
    with tempfile.TemporaryDirectory(prefix="bzpeer-scale-") as folder:
        first, newer, changed = write_snapshots(Path(folder), options.works, options.parts)
        one = parallel_import(first, 1, env)
        loads.append(common.load_average())
        two = parallel_import(first, 2, env)
        loads.append(common.load_average())
        researchers = researcher_count()
        # Both start from the database the import left: the re-import on a copy of it.
        common.create_database(REIMPORT, template=DATABASE)
        mark_synced("2024-01-01")
        sync = timed("sync_openalex", "--snapshot", str(newer), env=env)
        loads.append(common.load_average())
        reimport_env = {**env, "DATABASE_URL": common.db_url(REIMPORT)}
        try:
            full = timed("import_openalex", "--quiet-warnings", str(newer), env=reimport_env)
        finally:
            with common.pg() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{REIMPORT}" WITH (FORCE)')
        loads.append(common.load_average())
    n = options.works
    refreshed = re.search(r"refreshed (\d+) researcher", sync.output)
    sync_refreshed = int(refreshed[1]) if refreshed else 0
    refreshed = re.search(r"refreshed (\d+) researcher", full.output)
    full_refreshed = int(refreshed[1]) if refreshed else 0
    speedup = one.measured.seconds / two.measured.seconds
    sync_label = f"`sync_openalex --snapshot`: 1% changed ({changed:,} works)"
    full_label = "re-import of the whole newer snapshot instead (`import_openalex`, one process)"
    body = f"""
`make bench-scale` ({time.strftime("%Y-%m-%d %H:%M")} UTC; load average after each run:
{"; ".join(loads)}): {n:,} works from the real records under fresh ids ({researchers:,}
researchers), in {options.parts} part files. Size: {options.why}. Each parallel import goes into an
empty migrated database, workers as `celery worker --pool=prefork --concurrency=N` beside the
command, PostgreSQL and Redis on the same 2 cores. "Parts" is the first part's start to the
last part's end; "refresh" is the run's end, where the touched researchers are refreshed once.

| run | seconds | works/s | parts s | refresh s | peak MB (command / one worker) |
|---|---:|---:|---:|---:|---:|
{parallel_row(one, 1, n)}
{parallel_row(two, 2, n)}

Then a newer snapshot: the same partition plus one `updated_date=` partition holding a newer
copy of 1% of the works, brought in two ways from the same start (the database the 2-worker run
left, {n:,} works, and a copy of it): the incremental sync, and the one way there was before it,
importing the whole newer snapshot again (every stored record read and compared, the changed
ones written).

| run | seconds | researchers refreshed | peak MB |
|---|---:|---:|---:|
{row(sync_label, f"{sync.seconds:.1f}", f"{sync_refreshed:,}", f"{sync.peak_mb:.0f}")}
{row(full_label, f"{full.seconds:.1f}", f"{full_refreshed:,}", f"{full.peak_mb:.0f}")}

From 1 to 2 worker processes the import is {speedup:.2f}× as fast: the two workers share the
two cores with PostgreSQL and Redis (and, on this shared machine, with other sessions' jobs:
see the load averages), so this is the speed-up a second process gives on a saturated machine,
not what a second machine gives. Both the parts and the refresh at the end (its chunks taken by
every free worker) are spread over the processes. The sync reads
only the new partition and refreshes only the researchers of the changed works
({sync_refreshed:,} of {researchers:,}), so it costs what changed:
{full.seconds / sync.seconds:.0f}× less than reading the whole snapshot again.
"""
    common.replace_section(HEADING, body, before=LARGE_HEADING)
    print(body)


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"bench-scale: {exc}") from None
