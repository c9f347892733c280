"""The Import section of make bench: import_openalex beside PostgreSQL COPY of the same rows.

Works of the bench database are written out as OpenAlex JSON Lines by its own API, imported into
an empty migrated database, and the rows the import wrote are then COPYed back into the same
tables: the ratio of the two speeds is the headline.
"""

import itertools
import json
import os
import re
import subprocess
import time

import common

IMPORT_DB = "{database}_import"
IMPORT_TEMPLATE = "{database}_import_tpl"
PROFILED_IMPORT = 2000  # works imported once more under cProfile, to say where the time goes
MEMORY_SHARE = 4  # peak memory is also measured on 1/4 of the works: flat means the same
LOCAL_ID = re.compile(r"https?://[^\"/]+/openalex/[a-z]+/BZ([A-Z])(\d+)")
TARGET = 1 / 2  # of COPY's speed (issue 13)
WORKS = common.WORKS


def bench_import(database: str, env: dict, count: int) -> dict:
    path = export_works(count)
    # A fresh, migrated, empty database for every run, copied from a template.
    import_db, template = (
        IMPORT_DB.format(database=database),
        IMPORT_TEMPLATE.format(database=database),
    )
    template_env = {**env, "DATABASE_URL": common.db_url(template)}
    if not common.database_exists(template):
        common.create_database(template)
    common.manage("migrate", "--noinput", "-v0", env=template_env)
    import_env = {**env, "DATABASE_URL": common.db_url(import_db)}

    # Peak memory on a quarter of the works first: a streaming import holds the same.
    part = path.with_name(f"{path.stem}-first-{count // MEMORY_SHARE}.jsonl")
    with path.open() as source, part.open("w") as out:
        out.writelines(itertools.islice(source, count // MEMORY_SHARE))
    common.create_database(import_db, template=template)
    part_seconds, part_rss, _ = timed_import(import_env, part)

    common.create_database(import_db, template=template)
    before = table_counts(import_db)
    load = common.load_average()
    import_seconds, import_rss, import_cpu = timed_import(import_env, path)
    after = table_counts(import_db)
    tables = sorted(t for t in after if after[t] > before.get(t, 0))
    works = after.get("works_work", 0)
    copy_seconds, rows = copy_same_rows(import_db, tables)
    profile = profile_import(env, import_db, template, export_works(PROFILED_IMPORT))
    return {
        "works": works,
        "file_mb": path.stat().st_size / 1e6,
        "import_seconds": import_seconds,
        "copy_seconds": copy_seconds,
        "tables": {t: after[t] for t in tables},
        "rows": rows,
        "load": load,
        "profile": profile,
        "peak_mb": import_rss,
        "cpu_seconds": import_cpu,
        "part": {"works": count // MEMORY_SHARE, "seconds": part_seconds, "peak_mb": part_rss},
    }


def timed_import(env: dict, path) -> tuple[float, float, float]:
    """Run import_openalex on one file; return its seconds, its peak memory (MB) and the CPU
    seconds of its own process (the Python side: parsing, building rows)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [common.PY, "manage.py", "import_openalex", "--quiet-warnings", str(path)],
        cwd=common.REPO,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args)
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # rss in kB


def profile_import(env: dict, import_db: str, template: str, path) -> dict:
    """Where the importer's time goes: a smaller import under cProfile, in a fresh database."""
    import pstats

    common.create_database(import_db, template=template)
    out = common.VAR / "import.prof"
    subprocess.run(
        [common.PY, "-m", "cProfile", "-o", str(out), "manage.py", "import_openalex", str(path)],
        cwd=common.REPO,
        env={**env, "DATABASE_URL": common.db_url(import_db)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    stats = pstats.Stats(str(out))
    return {
        "works": PROFILED_IMPORT,
        "total": stats.total_tt,
        "own": common.own_functions(stats, 8),
    }


def export_works(count: int):
    """Write `count` works of the bench database as OpenAlex JSON Lines (its own API's JSON)."""
    from works.models import Work
    from works.openalex_api import serializers
    from works.openalex_api.entities import base as entities

    path = common.VAR / f"openalex-works-{count}.jsonl"
    if path.exists() and sum(1 for _ in path.open()) == count:
        return path
    # Consecutive works of the middle of the database: labs and co-authors recur, as in a
    # real snapshot part, and the records carry every field the importer reads.
    middle = Work.objects.order_by("pk").values_list("pk", flat=True)[WORKS // 2]
    ids = list(
        Work.objects.filter(pk__gte=middle).order_by("pk").values_list("pk", flat=True)[:count]
    )
    tmp = path.with_suffix(".tmp")
    with tmp.open("w") as out:
        for start in range(0, len(ids), 1000):
            rows = entities.load_works(Work.objects.filter(pk__in=ids[start : start + 1000]))
            for row in rows.order_by("pk"):
                out.write(openalex_ids(json.dumps(serializers.work(row))) + "\n")
    tmp.rename(path)
    return path


def openalex_ids(line: str) -> str:
    """Give records without an OpenAlex id (BZPEER's local "BZA123") an OpenAlex-style one.

    "A8" and 11 digits: real OpenAlex ids have at most 10 digits, synthetic ones start "A9".
    """
    return LOCAL_ID.sub(lambda m: f"https://openalex.org/{m[1]}8{int(m[2]):011d}", line)


def table_counts(database: str) -> dict[str, int]:
    with common.pg(database) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def copy_same_rows(import_db: str, tables: list[str]) -> tuple[float, int]:
    """COPY the rows the import wrote back into the same tables (indexes, constraints on)."""
    dumps = {}
    with common.pg(import_db) as conn:
        for table in tables:
            chunks = []
            with conn.cursor().copy(f'COPY "{table}" TO STDOUT (FORMAT BINARY)') as copy:
                for data in copy:
                    chunks.append(bytes(data))
            dumps[table] = b"".join(chunks)
        conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        conn.execute("CHECKPOINT")
    with common.pg(import_db, autocommit=False) as conn:
        started = time.perf_counter()
        for table in tables:
            with conn.cursor().copy(f'COPY "{table}" FROM STDIN (FORMAT BINARY)') as copy:
                copy.write(dumps[table])
        conn.commit()  # deferred foreign keys are checked here
        seconds = time.perf_counter() - started
    return seconds, sum(table_counts(import_db)[t] for t in tables)


def import_report(info: dict, i: dict) -> str:
    import_rate = i["works"] / i["import_seconds"]
    copy_rate = i["works"] / i["copy_seconds"]
    share = import_rate / copy_rate
    import_ok = share >= TARGET
    where_import = "\n".join(
        f"| `{name}` | {seconds:.1f} | {seconds / i['profile']['total']:.0%} |"
        for name, seconds in i["profile"]["own"]
    )
    table_list = ", ".join(f"`{t}` {n:,}" for t, n in i["tables"].items())
    part = i["part"]
    cpu_rate = i["works"] / i["cpu_seconds"]
    rows = "\n".join(
        [
            f"| `import_openalex` | {i['import_seconds']:.1f} s | {import_rate:,.0f} | "
            f"{share:.2f} | {i['peak_mb']:.0f} MB |",
            f"| `import_openalex`, first {part['works']:,} works | {part['seconds']:.1f} s | "
            f"{part['works'] / part['seconds']:,.0f} | | {part['peak_mb']:.0f} MB |",
        ]
    )
    return f"""\
Measured by `make bench` ({info["started"]}; `--only import` measures this section alone) on
{info["cpu"]}, {info["cores"]} cores, PostgreSQL {info["postgres"]}.
`manage.py import_openalex` on {i["works"]:,} works as OpenAlex JSON Lines ({i["file_mb"]:.1f}
MB: consecutive works of the {WORKS:,}-work bench database `{info["database"]}` written out by
its own OpenAlex-format API), into an empty migrated database, timed from start to exit
(Django's start-up included; the importer also recomputes counters, name keys and trust scores
and marks slices stale). The reference is PostgreSQL `COPY … FROM STDIN (FORMAT BINARY)` of
the same {i["rows"]:,} rows into the same tables, with their indexes and constraints, in one
transaction: {table_list}. Load average {i["load"]}.

| load | time | works/s | share of COPY | peak memory |
|---|---:|---:|---:|---:|
{rows}
| reference: `COPY` | {i["copy_seconds"]:.2f} s | {copy_rate:,.0f} | 1 | |

The import process itself used {i["cpu_seconds"]:.1f} s of CPU ({cpu_rate:,.0f} works per CPU-second
of Python: parsing and building rows); the rest of its time is PostgreSQL's.
Peak memory is the import process's maximum resident set (`wait4`'s `ru_maxrss`): the file is
streamed in batches of `IMPORT_BATCH_SIZE` records, so a file {MEMORY_SHARE} times as long
needs about as much.

Where the import's time goes: {i["profile"]["works"]:,} works imported again under cProfile
({i["profile"]["total"]:.1f} s with the profiler's overhead), the project's functions by
cumulative time:

| function | seconds | share |
|---|---:|---:|
{where_import}

- Import: {share:.2f} of COPY's speed, target {TARGET:.2f}:
  {common.verdict(import_ok, f"short by {TARGET - share:.2f}")}."""
