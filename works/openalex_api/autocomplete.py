"""OpenAlex's autocomplete: `/autocomplete/<entity>?q=` and the generic `/autocomplete?q=`.

`q` is the start of a name, or an id (OpenAlex's, a DOI, an ORCID iD, a ROR id), which answers
that one entity. `/autocomplete/<entity>` takes `filter=` as the entity's list does; the generic
one looks in every collection and keeps the most cited.
"""

import time

from . import filters as f
from . import ids, queries, serializers
from .entities import ENTITIES, Entity
from .filters import QueryError

SIZE = 10
PARAMS = {"q", "filter", "mailto", "email", "api_key", "format"}


def _text(params) -> str:
    queries.refuse_unknown(params, PARAMS)
    text = " ".join((params.get("q") or "").split())[:200]
    f._check_text("q", text)
    if not text:
        raise QueryError("q is required: the text to complete")
    return text


def _result(entity: Entity, row) -> dict:
    data = entity.serialize(row)
    return {
        "id": data["id"],
        "short_id": f"{entity.name}/{ids.short_id(entity.name, row)}",
        "display_name": data.get("display_name"),
        "hint": entity.hint(row),
        "cited_by_count": data.get("cited_by_count"),
        "works_count": data.get("works_count"),
        "entity_type": entity.entity_type,
        "external_id": entity.external_id(row),
    }


def _matches(entity: Entity, text: str, clauses) -> tuple[int, list]:
    """(how many match, the first SIZE rows): the entity an id names, else names that match."""
    if entity.lookup(text) is not None or ids.parse_id(entity.name, text) is not None:
        row = queries.entity_lookup(entity, text)
        if (
            row is None
            or not entity.model.objects.filter(
                queries.conditions(entity, clauses), pk=row.pk
            ).exists()
        ):
            return 0, []
        return 1, [row]
    queryset = entity.model.objects.filter(
        entity.listed, entity.search(text), queries.conditions(entity, clauses)
    )
    rows = entity.load_page(queryset.order_by(*entity.autocomplete_order))[:SIZE]
    return queryset.count(), list(rows)


def _response(started: float, count: int, results: list) -> dict:
    meta = {
        "count": count,
        "db_response_time_ms": round((time.monotonic() - started) * 1000),
        "page": 1,
        "per_page": SIZE,
    }
    return {"meta": meta, "results": results}


def entity_response(entity: Entity, params, query_string: str) -> dict:
    started = time.monotonic()
    text = _text(params)
    raw = f.raw_query_param(query_string, "filter") or ""
    count, rows = _matches(entity, text, f.parse_filter(raw) if raw else [])
    results = [_result(entity, row) for row in serializers.attach_documents(rows, in_list=True)]
    return _response(started, count, results)


def any_response(params) -> dict:
    """Every collection's matches, the most cited first (as OpenAlex's generic autocomplete)."""
    started = time.monotonic()
    text = _text(params)
    if params.get("filter"):
        raise QueryError("filter works with /autocomplete/<entity>, not the generic /autocomplete")
    count, found = 0, []
    for entity in ENTITIES.values():
        matched, rows = _matches(entity, text, [])
        count += matched
        found += [_result(entity, row) for row in serializers.attach_documents(rows, in_list=True)]
    found.sort(key=lambda r: (-(r["cited_by_count"] or 0), -(r["works_count"] or 0), r["id"]))
    return _response(started, count, found[:SIZE])
