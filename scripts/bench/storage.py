"""make bench-storage: what a faithful import costs on disk, per million works.

Imports the real OpenAlex records of ../shared/real-data (every schema era) into a database of
its own, the works many times over under fresh work and author ids so that the tables hold
thousands of rows instead of a few hundred pages, then reads PostgreSQL's own sizes of every
table: heap, TOAST and indexes. Works, their bylines, topics, concepts and documents are
extrapolated per million works; author records, whose number per work the sample cannot give,
per million authors and at OpenAlex's ratio of authors to works. Writes the Storage section of
docs/benchmarks.md.
"""

import argparse
import gzip
import json
import os
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import common

DATABASE = "bzpeer_bench_storage"
REAL_DATA = common.REPO.parent / "shared" / "real-data"
GO = REAL_DATA / "max-planck-innovation-competition+go-openalex" / "sample" / "openalex"
PRO = REAL_DATA / "rkrug+openalexPro" / "tests"
# OpenAlex holds about 250 million works and 100 million authors (ARCHITECTURE.md).
AUTHORS_PER_WORK = 100 / 250
WORK_TABLES = [
    "works_work",
    "works_authorship",
    "works_authorshipinstitution",
    "works_worktopic",
    "works_workconcept",
]
AUTHOR_TABLES = [
    "profiles_researcher",
    "works_researcherinstitution",
    "profiles_researchername",
    "profiles_researchertopic",
]
# Ids renumbered per copy (the null author A9999999999 stays what it is).
COPY_ID = re.compile(r"(openalex\.org/[WA])(?!9999999999\b)(\d+)")


def real_records() -> tuple[list[dict], list[dict]]:
    """(the real works, newest copy of each; every other real entity record)."""
    works: dict[str, dict] = {}
    others: list[dict] = []
    paths = [p for root in (GO, PRO) for p in sorted(root.rglob("*")) if p.is_file()]
    for path in paths:
        if path.name == "manifest" or path.suffix in {".csv", ".gz"} or "group_by" in str(path):
            continue
        text = path.read_text(encoding="utf-8")
        try:
            value = json.loads(text)
            records = value["results"] if isinstance(value, dict) and "results" in value else value
            records = records if isinstance(records, list) else [records]
        except json.JSONDecodeError:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        for record in records:
            key = record["id"]
            newest = works.get(key, {}).get("updated_date") or ""
            if "/W" in key:
                if (record.get("updated_date") or "") >= newest:
                    works[key] = record
            else:
                others.append(record)
    return list(works.values()), others


def write_input(folder: Path, copies: int) -> tuple[Path, int]:
    works, others = real_records()
    path = folder / "storage.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for record in others:
            out.write(json.dumps(record) + "\n")
        for copy in range(copies):
            for record in works:
                text = json.dumps(record)
                if copy:
                    text = COPY_ID.sub(lambda m, c=copy: f"{m[1]}{m[2]}{c:03d}", text)
                out.write(text + "\n")
    return path, len(works) * copies


def sizes(conn) -> dict[str, dict]:
    rows = conn.execute(
        """
        SELECT c.relname,
               pg_relation_size(c.oid),
               COALESCE(pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0),
               pg_indexes_size(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
          AND (c.relname LIKE 'works\\_%' OR c.relname LIKE 'profiles\\_research%')
        """
    ).fetchall()
    found = {}
    for name, heap, toast, index in rows:
        count = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        found[name] = {"rows": count, "heap": heap, "toast": toast, "index": index}
    return found


def documents_by_kind(conn) -> dict[str, tuple[int, int, int, int]]:
    """(documents, bytes as stored, smallest, largest) of OpenAlexRecord per entity letter."""
    return {
        letter: (count, int(stored), smallest, largest)
        for letter, count, stored, smallest, largest in conn.execute(
            "SELECT left(openalex_id, 1), count(*), sum(pg_column_size(record)), "
            "min(pg_column_size(record)), max(pg_column_size(record)) "
            "FROM works_openalexrecord GROUP BY 1"
        )
    }


def mb(value: float) -> str:
    return (
        f"{value / 1024 / 1024:,.0f} MB" if value >= 10 * 1024**2 else f"{value / 1024**2:.1f} MB"
    )


def gb(value: float) -> str:
    if value >= 1024**4:
        return f"{value / 1024**4:,.1f} TB"
    return f"{value / 1024**3:,.1f} GB"


def report(table_sizes, documents, works: int, copies: int, seconds: float) -> str:
    per_million = 1_000_000 / works
    lines = []
    total_work_side = 0.0
    for name in WORK_TABLES:
        s = table_sizes[name]
        total = (s["heap"] + s["toast"] + s["index"]) * per_million
        total_work_side += total
        lines.append(
            f"| `{name}` | {s['rows']:,} | {mb(s['heap'] * per_million)} | "
            f"{mb(s['toast'] * per_million)} | {mb(s['index'] * per_million)} | {gb(total)} |"
        )
    record = table_sizes["works_openalexrecord"]
    record_total = record["heap"] + record["toast"] + record["index"]
    stored = sum(d[1] for d in documents.values()) or 1
    work_share = documents.get("W", (0, 0, 0, 0))[1] / stored
    work_docs = record_total * work_share * per_million
    total_work_side += work_docs
    lines.append(
        f"| `works_openalexrecord` (the works' documents, {work_share:.0%} of its bytes) | "
        f"{documents.get('W', (0, 0))[0]:,} | {mb(record['heap'] * work_share * per_million)} | "
        f"{mb(record['toast'] * work_share * per_million)} | "
        f"{mb(record['index'] * work_share * per_million)} | {gb(work_docs)} |"
    )
    researchers = table_sizes["profiles_researcher"]["rows"]
    author_rows = sum(
        table_sizes[t]["heap"] + table_sizes[t]["toast"] + table_sizes[t]["index"]
        for t in AUTHOR_TABLES
    )
    per_author = author_rows / researchers
    author_docs = documents.get("A", (0, 0, 0, 0))
    per_author_doc = record_total * (author_docs[1] / stored) / max(author_docs[0], 1)
    authors_per_million = AUTHORS_PER_WORK * 1_000_000
    author_side = (per_author + per_author_doc) * authors_per_million
    typed_only = total_work_side - work_docs
    w_docs = documents.get("W", (0, 0, 0, 0))
    return f"""
`make bench-storage` ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC): the real OpenAlex records of
`../shared/real-data` (every era: the 2021 and 2023 snapshot samples, the 2026 API pages),
imported with `manage.py import_openalex` into an empty database ({seconds:.0f} s). The
{works // copies:,} distinct real works are imported {copies} times under fresh work and author
ids ({works:,} works), so that every table spans many pages; the real entity records
(institutions, sources, concepts, publishers, funders, authors) once. Sizes are PostgreSQL's
own after `VACUUM ANALYZE` (`pg_relation_size`, the TOAST table with its index, and
`pg_indexes_size`), multiplied by 1,000,000 / {works:,}.

Per million works:

| table | rows measured | heap | TOAST | indexes | total |
|---|---:|---:|---:|---:|---:|
{chr(10).join(lines)}
| **works side** | | | | | **{gb(total_work_side)}** |

- The documents (`OpenAlexRecord`, kept whole so that the OpenAlex API serves every field as
  imported) are {gb(work_docs)} of the {gb(total_work_side)} per million works; the typed
  tables BZPEER queries are {gb(typed_only)}. A work's document takes
  {w_docs[1] / max(w_docs[0], 1) / 1024:.1f} kB on average as stored (jsonb, compressed in
  TOAST), {w_docs[2] / 1024:.1f} kB at the least and {w_docs[3] / 1024:.0f} kB at the most.
- Concepts are the largest typed table after works: real works carry about
  {table_sizes["works_workconcept"]["rows"] / works:.0f} scored concepts each, every one kept
  with its score as given.
- Author records: {researchers:,} researchers measured, {per_author / 1024:.2f} kB each in their
  typed tables (record, affiliations, name keys, topics) and {per_author_doc / 1024:.1f} kB of
  document each (the samples hold {author_docs[0]} author records). At OpenAlex's
  {AUTHORS_PER_WORK:.1f} authors per work that is {gb(author_side)} per million works more.
- So a faithful import of a million works, with their authors, takes about
  **{gb(total_work_side + author_side)}**; a full OpenAlex snapshot (250 million works)
  about {gb((total_work_side + author_side) * 250)}, before PostgreSQL's free-space reserve.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="imports of the real works")
    args = parser.parse_args()
    common.create_database(DATABASE)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    env = common.production_env(DATABASE, redis_url, CELERY_TASK_ALWAYS_EAGER="true")
    common.manage("migrate", "--noinput", "-v0", env=env)
    with tempfile.TemporaryDirectory() as folder:
        path, works = write_input(Path(folder), args.copies)
        started = datetime.now(UTC)
        common.manage("import_openalex", "--quiet-warnings", str(path), env=env)
        seconds = (datetime.now(UTC) - started).total_seconds()
    with common.pg(DATABASE) as conn:
        conn.execute("VACUUM ANALYZE")
        body = report(sizes(conn), documents_by_kind(conn), works, args.copies, seconds)
    common.replace_section("Storage", body, before="Graph slices")
    print(body)


if __name__ == "__main__":
    sys.exit(main())
