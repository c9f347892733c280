"""Answer OpenAlex-style list, group, sample, autocomplete and single-entity requests."""

import datetime as dt
import hashlib
import json
import random
import time
import zlib
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace

import orjson
from django.core import signing
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Mod

from . import filters as f
from . import fragments, fulltext, grouping, ids, rendering, serializers
from .entities import Entity
from .entities.base import Group
from .filters import QueryError
from .unsupported import UNSUPPORTED

KNOWN_PARAMS = {
    "filter",
    "search",
    "search.exact",
    "sort",
    "select",
    "per-page",
    "per_page",
    "page",
    "cursor",
    "group-by",
    "group_by",
    "sample",
    "seed",
    # Sent by clients for OpenAlex's own bookkeeping; meaningless here, so ignored.
    "mailto",
    "email",
    "api_key",
    "format",
}
DEFAULT_PER_PAGE = 25
REPEATED_FILTER = (
    "Only one filter parameter is allowed. Your URL contains filters like: "
    "/works?filter=publication_year:2020&filter=is_open_access:true. Combine and separate "
    "filters with a comma, like: /works?filter=publication_year:2020,is_open_access:true."
)
MAX_GROUPS = 200
CURSOR_SALT = "bzpeer.openalex.cursor"
# For `sample`: rows ordered by a seeded hash of their key, computed in the database.
# (pk mod P + seed) mod P < 2**31 and the multiplier < 2**31 keep the product inside bigint.
SAMPLE_PRIME = 2_147_483_647
SAMPLE_MULTIPLIER = 1_103_515_245


@dataclass
class ListParams:
    filter_raw: str
    clauses: list[f.Clause]
    search: str
    sort: list[tuple[str, bool]]
    sort_raw: str
    select: list[str] | None
    per_page: int
    page: int | None
    cursor: str | None
    group_by: tuple[str, bool] | None
    sample: int | None
    seed: int | None


def _one(params, *names):
    values = [params.get(name) for name in names if params.get(name) is not None]
    if len(values) > 1:
        raise QueryError(f"give only one of {' or '.join(names)}")
    return values[0] if values else None


def refuse_unknown(params, known) -> None:
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise QueryError(
            f"{unknown[0][:60]} is not a valid parameter. "
            f"Valid parameters are: {', '.join(sorted(known))}."
        )


def parse_list_params(entity: Entity, query_string: str, params) -> ListParams:
    refuse_unknown(params, KNOWN_PARAMS)
    for name in params:
        f._check_text(name, params.get(name) or "")
    if len(params.getlist("filter")) > 1:
        raise QueryError(REPEATED_FILTER)
    filter_raw = f.raw_query_param(query_string, "filter") or ""
    clauses = f.parse_filter(filter_raw) if filter_raw else []
    exact = params.get("search.exact")
    if exact:
        # OpenAlex's unstemmed `search=` is the unstemmed form of `default.search`.
        clauses.append(f.Clause("default.search.exact", ((f.Alternative(exact),),)))
    search = " ".join((params.get("search") or "").split())
    searching = bool(search) or any(f.is_search_key(clause.key) for clause in clauses)
    sort_raw = params.get("sort") or ""
    group_raw = _one(params, "group-by", "group_by")
    allowed_sorts = set(entity.sorts) | ({"relevance_score"} if searching else set())
    if group_raw:
        allowed_sorts = {"count", "key"}  # groups sort by their count or their key
    sort = f.parse_sort(sort_raw, allowed_sorts) if sort_raw else []
    if not sort and searching and not group_raw:
        sort = [("relevance_score", True)]
    select_raw = params.get("select")
    cursor = params.get("cursor")
    page = f.parse_int("page", params.get("page"), default=None, low=1, high=f.MAX_PAGED_RESULTS)
    per_page_raw = _one(params, "per-page", "per_page")
    default_per_page = MAX_GROUPS if group_raw else DEFAULT_PER_PAGE
    per_page = f.parse_int(
        "per-page", per_page_raw, default=default_per_page, low=-(2**63), high=2**63
    )
    if not 1 <= per_page <= f.MAX_PER_PAGE:
        raise QueryError("per-page parameter must be between 1 and 200", f.PAGINATION)
    sample = f.parse_int("sample", params.get("sample"), default=None, low=1, high=f.MAX_SAMPLE)
    seed = f.parse_int("seed", params.get("seed"), default=None, low=0, high=f.MAX_SEED)
    if cursor is not None and page is not None:
        raise QueryError("use either cursor or page, not both")
    if cursor is not None and sample is not None:
        raise QueryError("sample cannot be paged with a cursor; use page")
    if page is not None and page * per_page > f.MAX_PAGED_RESULTS:
        raise QueryError(
            f"Maximum results size of {f.MAX_PAGED_RESULTS:,} records is exceeded. Cursor "
            f"pagination is required for records beyond {f.MAX_PAGED_RESULTS:,}. "
            "See: https://docs.openalex.org/api#cursor-paging",
            f.PAGINATION,
        )
    if group_raw is not None and sample is not None:
        raise QueryError("group-by and sample cannot be combined")
    return ListParams(
        filter_raw=filter_raw,
        clauses=clauses,
        search=search,
        sort=sort,
        sort_raw=sort_raw,
        select=f.parse_select(select_raw, set(entity.fields)) if select_raw is not None else None,
        per_page=per_page,
        page=page,
        cursor=cursor,
        group_by=f.parse_group_by(group_raw, set(entity.groups)) if group_raw else None,
        sample=sample,
        seed=seed,
    )


def filtered(entity: Entity, params: ListParams) -> models.QuerySet:
    query = conditions(entity, params.clauses)
    if params.search:
        query &= fulltext.condition(entity.name, "search", params.search)
    return entity.model.objects.filter(entity.listed, query)


def conditions(entity: Entity, clauses: list[f.Clause]) -> Q:
    """The rows that pass every filter clause."""
    query = Q()
    for clause in clauses:
        reason = UNSUPPORTED.get(entity.name, {}).get(clause.key)
        if reason:
            raise QueryError(
                f"{clause.key} is an OpenAlex filter BZPEER does not support: {reason}"
            )
        if f.is_search_key(clause.key):
            # Search filters are full-text search, answered by `fulltext` for every collection.
            build = partial(fulltext.condition, entity.name, clause.key)
        else:
            build = entity.filters.get(clause.key)
        reason = UNSUPPORTED.get(entity.name, {}).get(clause.key)
        if build is None and reason:
            raise QueryError(
                f"{clause.key} is an OpenAlex filter BZPEER does not support: {reason}"
            )
        if build is None:
            valid = sorted([*entity.filters, *fulltext.filter_keys(entity.name)])
            raise QueryError(
                f"{clause.key[:60]} is not a valid field. Valid fields are underscore or "
                f"hyphenated versions of: {', '.join(valid)}"
            )
        for group in clause.groups:
            any_of = Q()
            for alternative in group:
                any_of |= build(alternative.text)
            # The parser marks every alternative of a negated list: `!a|b` is NOT (a OR b).
            query &= ~any_of if group[0].negate else any_of
    return query


def searches(params: ListParams) -> list[tuple[str, str]]:
    """The (key, text) searches a list asks for: `search=` and the search filters not negated."""
    asked = [("search", params.search)] if params.search else []
    for clause in params.clauses:
        if f.is_search_key(clause.key):
            asked += [(clause.key, alt.text) for g in clause.groups for alt in g if not alt.negate]
    return asked


def _fingerprint(entity: Entity, params: ListParams) -> str:
    described = json.dumps([entity.name, repr(params.clauses), params.search, params.sort_raw])
    return hashlib.sha256(described.encode()).hexdigest()[:16]


def _cursor_values(entity: Entity, params: ListParams, row, names) -> list:
    values = []
    for (key, _), name in zip(params.sort, names, strict=True):
        value = getattr(row, name)
        if key != "relevance_score" and entity.sorts[key].kind == "date":
            value = value.isoformat()
        values.append(value)
    return values


def _encode_cursor(payload: dict) -> str:
    # Signed without a timestamp (which was never checked): the same page always gives the
    # same cursor, so a page walked by cursor can be kept whole (pages).
    return signing.Signer(salt=CURSOR_SALT).sign_object(payload, compress=True)


def _cursor_payload(cursor: str) -> dict:
    if cursor.count(":") == 2:  # given out with a timestamp, before cursors were deterministic
        return signing.loads(cursor, salt=CURSOR_SALT)
    return signing.Signer(salt=CURSOR_SALT).unsign_object(cursor)


def _decode_cursor(entity: Entity, params: ListParams, cursor: str) -> tuple[list, int]:
    try:
        payload = _cursor_payload(cursor)
        if payload["f"] != _fingerprint(entity, params):
            raise QueryError("this cursor belongs to another query")
        values, last_pk = list(payload["k"]), int(payload["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, zlib.error):
        raise QueryError("the cursor is not one this API gave out") from None
    if len(values) != len(params.sort):
        raise QueryError("the cursor is not one this API gave out")
    for index, (key, _) in enumerate(params.sort):
        if key != "relevance_score" and entity.sorts[key].kind == "date":
            values[index] = dt.date.fromisoformat(values[index])
    return values, last_pk


def _ordered(entity: Entity, queryset, params: ListParams):
    """Annotate the sort keys as sort_0, sort_1, ... and order by them, then by pk."""
    annotations, order, names = {}, [], []
    for index, (key, descending) in enumerate(params.sort):
        name = f"sort_{index}"
        if key == "relevance_score":
            expression = models.F("relevance_score")
        else:
            spec = entity.sorts[key]
            expression = models.F(spec.field)
            if spec.null_as is not None:
                expression = Coalesce(expression, models.Value(spec.null_as))
        annotations[name] = expression
        order.append(models.F(name).desc() if descending else models.F(name).asc())
        names.append(name)
    return queryset.annotate(**annotations).order_by(*order, "pk"), names


def _after(names, descending, values, last_pk) -> Q:
    """Rows after the cursor's row in (sort keys..., pk) order: a keyset condition."""
    condition = Q(pk__gt=last_pk)
    for name, desc, value in reversed(list(zip(names, descending, values, strict=True))):
        beyond = Q(**{f"{name}__{'lt' if desc else 'gt'}": value})
        condition = beyond | (Q(**{name: value}) & condition)
    return condition


def _page_rows(entity: Entity, queryset):
    """A page's rows: light when their JSON is cached (fragments), else loaded whole."""
    if entity.list_fragments:
        return queryset.only(*fragments.KEY_FIELDS)
    return entity.load_page(queryset)


def _shape(entity: Entity, rows, params: ListParams, version: str) -> list:
    """The results of a page: dicts, or JSON already encoded (rendering.Encoded) for the
    entities whose list JSON is cached."""
    if entity.list_fragments:
        return _shape_encoded(entity, rows, params, version)
    results = []
    for row in serializers.attach_documents(rows, in_list=True):
        data = entity.serialize(row)
        if hasattr(row, "relevance_score"):
            data["relevance_score"] = row.relevance_score
        if params.select:
            data = {key: data.get(key) for key in params.select}
        results.append(data)
    return results


def _shape_encoded(entity: Entity, rows, params: ListParams, version: str) -> list:
    encoded = fragments.encoded(entity, rows, version)
    results = []
    for row in rows:
        data = encoded.get(row.pk)
        if data is None:
            continue  # deleted since the page was read
        if params.select:
            selected = orjson.loads(data)
            if hasattr(row, "relevance_score"):
                selected["relevance_score"] = row.relevance_score
            results.append({key: selected.get(key) for key in params.select})
            continue
        if hasattr(row, "relevance_score"):
            # Put last, as the serialized dict would have it: `{...}` becomes `{...,"s":x}`.
            score = b'"relevance_score":' + rendering.dumps(row.relevance_score)
            data = data[:-1] + (b"," if data != b"{}" else b"") + score + b"}"
        results.append(rendering.Encoded(data))
    return results


def list_response(entity: Entity, params: ListParams, version: str | None = None) -> dict:
    """The page's data; `version`: the public record's, if the caller has read it already."""
    started = time.monotonic()
    # Read before the rows, as the shared pages do (fragments).
    if version is None:
        version = fragments.version() if entity.list_fragments else ""
    queryset = filtered(entity, params)
    if entity.list_fragments:
        count = fragments.count(_fingerprint(entity, params), queryset, version)
    else:
        count = queryset.count()
    # meta's keys in OpenAlex's order; `next_cursor` only answers a cursor request.
    meta = {"count": count, "db_response_time_ms": 0, "page": None, "per_page": params.per_page}
    if params.cursor is not None:
        meta["next_cursor"] = None
    meta["groups_count"] = None
    if params.group_by:
        groups = _groups(entity, queryset, params)
        meta["groups_count"] = len(groups)
        meta["page"] = None if params.cursor else 1
        meta["db_response_time_ms"] = round((time.monotonic() - started) * 1000)
        # A group-by answer has no `results`, as OpenAlex's has none.
        return {"meta": meta, "group_by": groups}
    if params.sample:
        results, meta["count"] = _sample(entity, queryset, params, version)
        meta["page"] = params.page or 1
    else:
        asked = searches(params)
        if asked or any(key == "relevance_score" for key, _ in params.sort):
            score = fulltext.rank(entity.name, asked) or models.Value(0.0)
            queryset = queryset.annotate(relevance_score=score)
        queryset, names = _ordered(entity, queryset, params)
        if params.cursor is not None:
            if params.cursor != "*":
                values, last_pk = _decode_cursor(entity, params, params.cursor)
                queryset = queryset.filter(
                    _after(names, [d for _, d in params.sort], values, last_pk)
                )
            rows = list(_page_rows(entity, queryset)[: params.per_page])
            # OpenAlex ends a cursor walk with an empty page: every page with results has a
            # next cursor, even the last of them.
            if rows:
                last = rows[-1]
                payload = {
                    "f": _fingerprint(entity, params),
                    "k": _cursor_values(entity, params, last, names),
                    "p": last.pk,
                }
                meta["next_cursor"] = _encode_cursor(payload)
        else:
            page = params.page or 1
            start = (page - 1) * params.per_page
            rows = list(_page_rows(entity, queryset)[start : start + params.per_page])
            meta["page"] = page
        results = _shape(entity, rows, params, version)
    meta["db_response_time_ms"] = round((time.monotonic() - started) * 1000)
    return {"meta": meta, "results": results, "group_by": []}


def _sample(entity: Entity, queryset, params: ListParams, version: str):
    seed = params.seed if params.seed is not None else random.randrange(f.MAX_SEED)
    mixed = Mod(
        (Mod(Mod(models.F("pk"), SAMPLE_PRIME) + seed, SAMPLE_PRIME)) * SAMPLE_MULTIPLIER,
        SAMPLE_PRIME,
    )
    chosen = list(
        queryset.annotate(sample_key=mixed)
        .order_by("sample_key", "pk")
        .values_list("pk", flat=True)[: params.sample]
    )
    page = params.page or 1
    page_pks = chosen[(page - 1) * params.per_page : page * params.per_page]
    rows = _page_rows(entity, entity.model.objects.filter(pk__in=page_pks)).in_bulk(page_pks)
    return _shape(entity, [rows[pk] for pk in page_pks if pk in rows], params, version), len(chosen)


GROUP_ORDERS = {
    (): "count",
    (("count", True),): "count",
    (("count", False),): "count:asc",
    (("key", False),): "key",
    (("key", True),): "key:desc",
}


def _group_order(params: ListParams) -> str:
    order = GROUP_ORDERS.get(tuple(params.sort))
    if order is None:
        raise QueryError("group-by results sort by one of count or key")
    return order


def _typed_group_rows(group: Group, queryset, order: str):
    """[(value, label, openalex id, count)] of a group on typed columns."""
    columns = [group.key, *filter(None, [group.label, group.openalex])]
    ordering = {
        "count": ("-group_count", group.key),
        "count:asc": ("group_count", group.key),
        "key": (models.F(group.key).asc(nulls_last=True),),
        "key:desc": (models.F(group.key).desc(nulls_last=True),),
    }[order]
    rows = (
        group.rows(queryset)
        .values(*columns)
        .annotate(group_count=models.Count(group.count, distinct=True))
        .order_by(*ordering)
    )
    # At most one NULL and one blank group exist: fetch two more, drop them if unwanted.
    for row in rows[: MAX_GROUPS + 2]:
        label = row[group.label] if group.label else None
        openalex = row[group.openalex] if group.openalex else None
        yield row[group.key], label, openalex, row["group_count"]


def _groups(entity: Entity, queryset, params: ListParams) -> list[dict]:
    key_name, include_unknown = params.group_by
    group = entity.groups[key_name]
    order = _group_order(params)
    if isinstance(group, grouping.DocGroup):
        rows = [
            (key, label, None, count)
            for key, label, count in grouping.document_groups(
                group, queryset, order=order, limit=MAX_GROUPS + 1
            )
        ]
    else:
        rows = _typed_group_rows(group, queryset, order)
    groups, unknown = [], None
    for value, label, openalex, count in rows:
        if value is None or value == "":
            if include_unknown and unknown is None:
                unknown = {"key": "unknown", "key_display_name": "unknown", "count": 0}
                groups.append(unknown)
            if unknown is not None:
                unknown["count"] += count
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if getattr(group, "entity", None):
            target = SimpleNamespace(pk=value, openalex_id=openalex)
            key = ids.full_id(group.entity, target)
        else:
            key = getattr(group, "prefix", "") + text
        groups.append({"key": key, "key_display_name": label or text, "count": count})
    return groups[:MAX_GROUPS]


def entity_lookup(entity: Entity, key: str):
    """The row with this id, DOI, ORCID iD, ROR id or ISSN; None when there is none."""
    key = key.strip()
    f._check_text("id", key)
    objects = entity.model.objects
    if key.lower() == "random":
        last = objects.order_by("-pk").values_list("pk", flat=True).first()
        if last is None:
            return None
        pk = random.randint(1, last)
        return entity.load(objects.filter(pk__gte=pk).order_by("pk")).first()
    # DOIs and the like first: a DOI may end in something that looks like an id ("10.1/W1").
    condition = entity.lookup(key)
    if condition is None:
        parsed = ids.parse_id(entity.name, key)
        condition = Q(**{parsed[0]: parsed[1]}) if parsed else None
    if condition is None:
        return None
    row = entity.load(objects.filter(condition).order_by("pk")).first()
    if getattr(row, "merged_into_id", None):
        # A merged record's id answers with the record it was merged into, as OpenAlex does.
        row = entity.load(objects.filter(pk=row.merged_into_id)).first()
    return row


def entity_response(entity: Entity, key: str, params) -> dict | None:
    # As OpenAlex does, a single entity takes the list parameters and ignores all but select.
    refuse_unknown(params, KNOWN_PARAMS)
    select_raw = params.get("select")
    select = f.parse_select(select_raw, set(entity.fields)) if select_raw is not None else None
    row = entity_lookup(entity, key)
    if row is None:
        return None
    data = entity.serialize(serializers.attach_documents([row])[0])
    return {k: data.get(k) for k in select} if select else data
