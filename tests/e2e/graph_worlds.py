"""Researchers whose slices the readable-graph browser tests draw, made through the importer.

Each builder writes OpenAlex-format works as JSON Lines, imports them the way a real import
does (counters and trust refreshed afterwards) and returns the researcher a slice is built for.
"""

import json
from pathlib import Path

from bzpeer.demo import synthetic
from tests.conftest import REAL_DATA
from works.importer import openalex_import
from works.models import Researcher

OPENALEX_PRO = REAL_DATA / "rkrug+openalexPro/tests/testthat/_snaps/005-pro_fetch_search/jsonl"
# The openalexPro sample's most prolific author (six works there).
REAL_AUTHOR = "A5003862560"
BIG_PAPER_AUTHORS = 2918
PROLIFIC_WORKS = 5000

TOPICS = [
    "Particle physics",
    "Detector calibration",
    "Statistical methods in physics",
    "Ecosystem services valuation",
    "Payments for environmental services",
    "Land use and conservation",
    "Machine learning for science",
    "Graph algorithms",
]


def _import(path: Path, records) -> None:
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n")
    errors = []
    openalex_import(paths=[path], on_error=errors.append)
    assert errors == [], errors


def _work(ident: str, title: str, year: int, authors, topics=(), cited=0) -> dict:
    return {
        "id": f"https://openalex.org/{ident}",
        "title": title,
        "publication_year": year,
        "type": "article",
        "cited_by_count": cited,
        "topics": [
            {"id": f"https://openalex.org/T88{t:04d}", "display_name": TOPICS[t], "score": 0.9}
            for t in topics
        ],
        "authorships": [
            {
                "author_position": "first" if n == 0 else "middle",
                "author": {"id": f"https://openalex.org/{aid}", "display_name": name},
                "institutions": [
                    {"id": f"https://openalex.org/I88{inst:04d}", "display_name": f"Lab {inst}"}
                ]
                if inst is not None
                else [],
            }
            for n, (aid, name, inst) in enumerate(authors)
        ],
    }


def real_researcher() -> Researcher:
    """Stefano Pagiola from the openalexPro sample: real titles, co-authors and topics."""
    openalex_import(paths=[OPENALEX_PRO])
    return Researcher.objects.get(openalex_id=REAL_AUTHOR)


def largest_demo_researcher() -> Researcher:
    """The demo's most prolific researcher, from the generated world `make run` loads."""
    synthetic.generate(works=1200, seed=synthetic.DEFAULT_SEED)
    return Researcher.objects.order_by("-works_count", "pk").first()


def big_paper_member(tmp_path: Path) -> Researcher:
    """A member of a 2,918-author paper who also wrote 24 small papers with other members."""

    def member(i):
        return (f"A88{i:08d}", f"Consortium Member {i}", i % 60)

    big = _work(
        "W8800000001",
        "Observation of a new state in proton collisions at 13 TeV with the full detector",
        2022,
        [member(i) for i in range(BIG_PAPER_AUTHORS)],
        topics=(0, 1),
        cited=2400,
    )
    small = [
        _work(
            f"W88{100 + n:08d}",
            f"Calibration study {n} of the forward calorimeter under pile-up conditions",
            2010 + n % 14,
            [member(0), member(1 + n % 17), member(20 + n % 9)],
            topics=(n % 3,),
            cited=n,
        )
        for n in range(24)
    ]
    _import(tmp_path / "big-paper.jsonl", [big, *small])
    return Researcher.objects.get(openalex_id="A8800000000")


def prolific_researcher(tmp_path: Path) -> Researcher:
    """A researcher of 5,000 works with 300 co-authors, over 36 years and eight topics."""
    me = ("A6600000000", "Prolific Researcher", 1)
    records = [
        _work(
            f"W66{n:08d}",
            f"Result {n} on {TOPICS[n % 8].lower()} from a long-running survey programme",
            1990 + n % 36,
            [me, (f"A66{1 + n % 300:08d}", f"Coauthor {n % 300}", 2 + n % 7)],
            topics=sorted({n % 8, (n // 8) % 8}),
            cited=n % 97,
        )
        for n in range(PROLIFIC_WORKS)
    ]
    _import(tmp_path / "prolific.jsonl", records)
    return Researcher.objects.get(openalex_id="A6600000000")
