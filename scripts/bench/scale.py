"""make bench-scale: a snapshot imported through Celery workers (1 and 2 worker processes),
and an incremental sync of 1% changed works beside a full re-import of the same data.

The snapshot is made from the real OpenAlex works of ../shared/real-data, copied under fresh
work and author ids (as make bench-storage does) into part files of one partition; the newer
snapshot adds one partition holding a newer copy of 1% of the works. Each import starts from
an empty, migrated database of its own; workers and the command run as the production stack
does (DEBUG off, a Redis of its own on port 6391). Writes the "Parallel import and sync"
section of docs/benchmarks.md.
"""

import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import common
from storage import COPY_ID, real_records

DATABASE = os.environ.get("BENCH_SCALE_DATABASE", "bzpeer_bench_scale")
TEMPLATE = f"{DATABASE}_template"
REDIS_PORT = 6391
HEADING = "Parallel import and sync"


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
        record["updated_date"] = "2024-02-01T00:00:00"
        changed.append(json.dumps(record))
    write_part(newer / "works" / "updated_date=2024-02-01" / "part_000.gz", changed)
    return first, newer, len(changed)


def fresh_database(env: dict) -> None:
    if not common.database_exists(TEMPLATE):
        common.create_database(TEMPLATE)
        common.manage(
            "migrate", "--noinput", "-v0", env={**env, "DATABASE_URL": common.db_url(TEMPLATE)}
        )
    common.create_database(DATABASE, template=TEMPLATE)


def timed(*args, env: dict) -> float:
    started = time.perf_counter()
    common.manage(*args, env=env)
    return time.perf_counter() - started


def parallel_import(snapshot: Path, processes: int, env: dict) -> float:
    fresh_database(env)
    celery = str(Path(common.PY).with_name("celery"))
    args = [celery, "-A", "bzpeer", "worker", "--pool=prefork", f"--concurrency={processes}"]
    args += ["--loglevel=warning", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    worker = common.start(args, env=env, log=common.VAR / f"scale-worker-{processes}.log")
    try:
        time.sleep(3)  # the pool up before the first part is queued
        return timed("import_openalex", "--workers", str(snapshot), env=env)
    finally:
        common.stop(worker)


def mark_synced(day: str) -> None:
    with common.pg(DATABASE) as conn:
        conn.execute(
            "INSERT INTO works_syncstate (source, synced_until, entity, cursor, records, "
            "last_error, updated_at) VALUES ('snapshot', %s, '', '', 0, '', now())",
            [f"{day}T00:00:00+00:00"],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=20_000)
    parser.add_argument("--parts", type=int, default=8)
    options = parser.parse_args()
    redis_url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    env = common.production_env(DATABASE, redis_url)
    with tempfile.TemporaryDirectory(prefix="bzpeer-scale-") as folder:
        first, newer, changed = write_snapshots(Path(folder), options.works, options.parts)
        with common.redis_server(REDIS_PORT, "scale-redis"):
            one = parallel_import(first, 1, env)
            two = parallel_import(first, 2, env)
        mark_synced("2024-01-01")
        sync = timed("sync_openalex", "--snapshot", str(newer), env=env)
        full = timed("import_openalex", str(newer), env=env)
    body = f"""
`make bench-scale` ({time.strftime("%Y-%m-%d")}, load {common.load_average()}): {options.works:,}
works from the real records under fresh ids, in {options.parts} part files; each import into an
empty database, workers as `celery worker --concurrency=N`.

| run | seconds | works/s |
|---|---:|---:|
| `import_openalex --workers`, 1 worker process | {one:.1f} | {options.works / one:,.0f} |
| `import_openalex --workers`, 2 worker processes | {two:.1f} | {options.works / two:,.0f} |
| `sync_openalex --snapshot`: 1% changed ({changed:,} works) | {sync:.1f} | |
| full re-import of the same newer snapshot (`import_openalex`) | {full:.1f} | |

Two processes on this 2-core machine share it with PostgreSQL: the speed-up from 1 to 2 is
{one / two:.2f}×. The sync reads only the new partition, so it costs what changed
({full / sync:.0f}× less than reading everything again).
"""
    common.replace_section(HEADING, body)
    print(body)


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"bench-scale: {exc}") from None
