"""A consortium paper of 2,000 authors imports whole, and its slices stay within the caps."""

import json
from collections import Counter

import pytest
from django.conf import settings

from graph.models import GraphSlice
from graph.services import graph_slice_build, graph_slice_ensure
from works.importer import openalex_import
from works.models import Authorship, Researcher, Work

pytestmark = pytest.mark.django_db

AUTHORS = 2000


def consortium_work(number: int, authors: range) -> dict:
    return {
        "id": f"https://openalex.org/W77{number:08d}",
        "title": f"Observation of a consortium-sized result {number}",
        "publication_year": 2024,
        "type": "article",
        "cited_by_count": 1000,
        "topics": [
            {"id": "https://openalex.org/T11111", "display_name": "Particle physics", "score": 1}
        ],
        "authorships": [
            {
                "author_position": "first" if i == authors.start else "middle",
                "author": {
                    "id": f"https://openalex.org/A77{i:08d}",
                    "display_name": f"Consortium Member {i}",
                },
                "institutions": [
                    {
                        "id": f"https://openalex.org/I77{i % 40:08d}",
                        "display_name": f"Laboratory {i % 40}",
                    }
                ],
            }
            for i in authors
        ],
    }


@pytest.fixture
def imported(tmp_path):
    path = tmp_path / "consortium.jsonl"
    records = [
        consortium_work(1, range(AUTHORS)),
        # A second big paper sharing half the members, and a small one of the first member.
        consortium_work(2, range(AUTHORS // 2, AUTHORS + AUTHORS // 2)),
        {
            **consortium_work(3, range(0, 3)),
            "title": "A small paper of three members",
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    errors = []
    result = openalex_import(paths=[path], on_error=errors.append)
    assert errors == []
    return result


def test_a_two_thousand_author_work_imports_whole(imported):
    work = Work.objects.get(openalex_id="W7700000001")
    assert work.authors_count == AUTHORS
    assert Authorship.objects.filter(work=work).count() == AUTHORS
    member = Researcher.objects.get(openalex_id=f"A77{AUTHORS - 1:08d}")
    assert member.works_count == 2


@pytest.mark.parametrize("member", [0, AUTHORS // 2, AUTHORS - 1])
def test_the_slices_of_its_authors_build_within_the_caps(imported, member):
    researcher = Researcher.objects.get(openalex_id=f"A77{member:08d}")
    graph_slice = graph_slice_ensure(researcher_id=researcher.pk)

    built = graph_slice_build(slice_id=graph_slice.pk)

    assert built is not None and built.status == GraphSlice.Status.READY
    nodes = built.payload["nodes"]
    kinds = Counter(node["type"] for node in nodes)
    caps = settings.GRAPH["CAPS"]
    for kind, count in kinds.items():
        assert count <= caps[kind] + (1 if kind == "researcher" else 0)  # plus the centre
    assert sum(node.get("center", False) for node in nodes) == 1
    assert len(built.payload["edges"]) <= len(nodes) * (len(nodes) - 1) // 2
