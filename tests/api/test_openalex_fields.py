"""Every field of every real record comes back in list responses too, as it was imported.

The single-entity round trip is tests/works/test_import_faithful.py; this checks that a list
(`/openalex/<collection>?filter=openalex_id:…|…`) serves each record whole, field by field,
for every collection the real data holds (a topic record is made from OpenAlex's documented
shape in test_openalex_entities.py).
"""

from collections import defaultdict

import pytest
from django.conf import settings

from tests.works.test_import_faithful import (
    COLLECTIONS,
    OVERLAID,
    entity_files,
    newest_copies,
    source_records,
)
from works.importer import openalex_import

pytestmark = pytest.mark.django_db


def one_file_per_collection():
    chosen = {}
    for path in entity_files():
        records = source_records(path)
        if not records:
            continue  # the empty last page of a cursor
        collection = COLLECTIONS[records[0]["id"].rsplit("/", 1)[-1][0]]
        if collection not in chosen and not path.name.endswith(".gz"):
            chosen[collection] = path
    return chosen


def test_lists_serve_every_field_of_every_collection_as_imported(client, unthrottled):
    chosen = one_file_per_collection()
    assert set(chosen) == set(COLLECTIONS.values()) - {"topics"}
    openalex_import(paths=list(chosen.values()))
    expected = defaultdict(dict)
    for path in chosen.values():
        for key, record in newest_copies(source_records(path)).items():
            expected[COLLECTIONS[key[0]]][key] = record
    for collection, records in expected.items():
        keys = sorted(records)[:100]  # OpenAlex ORs at most 100 values
        response = client.get(
            f"/openalex/{collection}", {"filter": "openalex_id:" + "|".join(keys), "per-page": 200}
        )
        assert response.status_code == 200, response.content
        served = {r["id"].rsplit("/", 1)[-1]: r for r in response.json()["results"]}
        assert set(served) == set(keys), collection
        for key in keys:
            record, answer = records[key], served[key]
            assert set(answer) - OVERLAID == set(record) - OVERLAID, key
            for name, value in record.items():
                if name not in OVERLAID:
                    assert answer[name] == value, f"{key}.{name}"
            for name in OVERLAID & set(answer):
                assert answer[name].startswith(f"{settings.SITE_URL}/openalex/"), key
