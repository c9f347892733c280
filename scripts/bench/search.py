"""make bench-search: the OpenAlex API's full-text searches over many works of real text.

Imports the real works of ../shared/real-data (as make bench-storage does), then copies the
works rows in SQL until the table holds --works rows: every row's title and abstract is a real
one, so the text is as OpenAlex's is (but the sample is about biodiversity and finance, so the
recorded query matches two thirds of it, where it matches one work in a million of OpenAlex's:
a worst case for ranking, which reads the vector of every match). Times each
search through the API in process, the count and first page as pyalex asks them, and reads the
size of the search vectors and their GIN indexes. Writes the "OpenAlex search" section of
docs/benchmarks.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import common
import storage

DATABASE = "bzpeer_bench_search"
ROUNDS = 4
SEARCHES = [
    ("the recorded boolean search", "filter=title_and_abstract.search:biodiversity AND finance"),
    ("`search=`, two words", "search=protected areas"),
    ("a title phrase", 'filter=title.search:"protected areas"'),
    ("abstracts, with NOT", "filter=abstract.search:finance NOT forest"),
    ("unstemmed (`.no_stem`)", "filter=title_and_abstract.search.no_stem:financing"),
    ("a prefix", "filter=title.search:biodiv*"),
    ("a rare word", "filter=title_and_abstract.search:mangrove"),
]


def grow(conn, target: int) -> int:
    """Copy the works rows (without their OpenAlex ids, which are unique) up to `target`."""
    columns = [
        row[0]
        for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'works_work' "
            "AND is_generated = 'NEVER' AND column_name NOT IN ('id', 'openalex_id') "
            "ORDER BY ordinal_position"
        )
    ]
    names = ", ".join(columns)
    count = conn.execute("SELECT count(*) FROM works_work").fetchone()[0]
    while count < target:
        conn.execute(
            f"INSERT INTO works_work ({names}) SELECT {names} FROM works_work ORDER BY id LIMIT %s",
            [min(count, target - count)],
        )
        count = conn.execute("SELECT count(*) FROM works_work").fetchone()[0]
        print(f"{count:,} works", flush=True)
    conn.execute("VACUUM ANALYZE works_work")
    return count


def vector_sizes(conn) -> tuple[float, float, float]:
    """(MB of stored vectors, MB of their GIN indexes, MB of the text they index)."""
    heap, text = conn.execute(
        "SELECT sum(pg_column_size(fts_title) + pg_column_size(fts_text)), "
        "sum(pg_column_size(title) + pg_column_size(abstract)) FROM works_work"
    ).fetchone()
    index = conn.execute(
        "SELECT sum(pg_relation_size(oid)) FROM pg_class WHERE relname LIKE 'works_work_fts%idx'"
    ).fetchone()[0]
    return float(heap) / 1e6, float(index) / 1e6, float(text) / 1e6


def time_searches() -> list[tuple[str, str, int, float, float]]:
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    rows = []
    for label, query in SEARCHES:
        url = "/openalex/works?" + quote(query, safe="=&:")
        timings, count = [], None
        for _ in range(ROUNDS):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:300]
            count = response.json()["meta"]["count"]
        timings = sorted(timings[1:])  # the first run warms the cache
        rows.append((label, query, count, statistics.median(timings), timings[-1]))
    return rows


def report(works: int, sizes, rows) -> str:
    heap, index, text = sizes
    per_million = 1e6 / works
    lines = [
        f"`make bench-search` on {works:,} works whose titles and abstracts are the real ones of "
        "../shared/real-data, copied; PostgreSQL full-text search through the OpenAlex API "
        f"(Django's test client in process, count and first page of 25; median and slowest of "
        f"{ROUNDS - 1} warm runs). Load average {common.load_average()}.",
        "",
        "| search | query | matches | median ms | slowest ms |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {label} | `{query}` | {count:,} | {med:.0f} | {worst:.0f} |"
        for label, query, count, med, worst in rows
    ]
    lines += [
        "",
        f"Search vectors: {heap * per_million / 1000:.2f} GB stored and "
        f"{index * per_million / 1000:.2f} GB of GIN indexes per million works, beside "
        f"{text * per_million / 1000:.2f} GB of the titles and abstracts they index (compressed).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Two thirds of these rows match the recorded search (the sample's subject): a worst case.
    parser.add_argument("--works", type=int, default=20_000)
    args = parser.parse_args()
    common.create_database(DATABASE)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    env = common.production_env(DATABASE, redis_url, CELERY_TASK_ALWAYS_EAGER="true")
    env["API_THROTTLE_ANON"] = "1000000/minute"
    common.manage("migrate", "--noinput", "-v0", env=env)
    with tempfile.TemporaryDirectory() as folder:
        path, _ = storage.write_input(Path(folder), 1)
        common.manage("import_openalex", "--quiet-warnings", str(path), env=env)
    with common.pg(DATABASE) as conn:
        works = grow(conn, args.works)
        sizes = vector_sizes(conn)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bzpeer.settings")
    sys.path.insert(0, str(common.REPO))
    body = report(works, sizes, time_searches())
    common.replace_section("OpenAlex search", body)
    print(body)


if __name__ == "__main__":
    sys.exit(main())
