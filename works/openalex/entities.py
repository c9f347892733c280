"""Parse the entities works hang on, as their own records or as short copies inside other
records: institutions, sources, topics, concepts, publishers and funders. Pure Python.

A function gets ``own`` (the record's own id) when it reads an entity's own record: then its
figures, document and date come along; a short copy has none of them.
"""

from __future__ import annotations

from typing import Any

from ..identifiers import normalize_openalex_id, normalize_ror
from .records import (
    ISSN_MAX,
    NAME_MAX,
    TAXONOMY_MAX,
    TYPE_MAX,
    URL_MAX,
    WIKIDATA_MAX,
    ConceptRecord,
    Figures,
    FunderRecord,
    InstitutionRecord,
    PublisherRecord,
    SourceRecord,
    TopicRecord,
)
from .values import Fields, clean_record, homepage_domain

# The range of a PositiveSmallIntegerField: anything outside is no year.
YEAR = {"low": 1, "high": 32767}


def figures(f: Fields, record: dict) -> Figures:
    stats = f.mapping(record, "summary_stats")
    mean = f.number(stats, "2yr_mean_citedness", "summary_stats.")
    return Figures(
        works_count=f.integer(record, "works_count"),
        cited_by_count=f.integer(record, "cited_by_count", high=2**62),
        h_index=f.integer(stats, "h_index", "summary_stats."),
        i10_index=f.integer(stats, "i10_index", "summary_stats."),
        two_year_mean_citedness=mean if mean is None or mean >= 0 else None,
        counts_by_year=counts_by_year(f, record, "works_count", "cited_by_count"),
    )


def counts_by_year(f: Fields, record: dict, *counts: str) -> tuple[dict, ...]:
    rows = []
    for index, item in f.objects(record, "counts_by_year"):
        where = f"counts_by_year[{index}]."
        year = f.integer(item, "year", where, **YEAR)
        if year is None:
            continue
        row = {"year": year}
        for count in counts:
            if count in item:
                row[count] = f.integer(item, count, where, high=2**62) or 0
        rows.append(row)
    return tuple(rows)


def name(f: Fields, obj: dict, where: str, fallback: str) -> str:
    return f.text(obj, "display_name", where, NAME_MAX) or fallback


def country(f: Fields, obj: dict, key: str, where: str) -> str:
    return country_value(f, obj.get(key), where + key)


def country_value(f: Fields, value: Any, path: str) -> str:
    code = f.text_value(value, path, 3).upper()
    if code and not (len(code) == 2 and code.isalpha()):
        f.warn(path, "not a two-letter country code", value)
        return ""
    return code


def own_fields(record: dict, f: Fields) -> dict:
    """What a record's own entity keeps besides its typed columns: the document, its date."""
    return {
        "record": clean_record(record, f.warn),
        "updated_date": f.moment(record, "updated_date") or f.moment(record, "updated"),
    }


# --- Entities (a record of its own, or a short copy inside another record) ----------------


def institution(f: Fields, obj: dict, where: str, *, own: str | None = None):
    openalex_id = own or f.entity_id(obj, where, "I")
    if openalex_id is None:
        return None
    ids = f.mapping(obj, "ids", where)
    homepage = f.url(obj, "homepage_url", where, URL_MAX)
    ror = obj.get("ror") or ids.get("ror")
    extra = {"figures": figures(f, obj), **own_fields(obj, f)} if own else {}
    return InstitutionRecord(
        openalex_id=openalex_id,
        display_name=name(f, obj, where, openalex_id),
        ror=normalize_ror(ror),
        country_code=country(f, obj, "country_code", where)
        or country(f, f.mapping(obj, "geo", where), "country_code", where + "geo."),
        type=f.text(obj, "type", where, TYPE_MAX),
        homepage_url=homepage,
        homepage_domain=homepage_domain(homepage) if homepage else "",
        **extra,
    )


def source(f: Fields, obj: dict, where: str, *, own: str | None = None):
    openalex_id = own or f.entity_id(obj, where, "SV")
    if openalex_id is None:
        return None
    host = obj.get("host_organization")
    host_id = normalize_openalex_id(host) if isinstance(host, str) else None
    extra = {"figures": figures(f, obj), **own_fields(obj, f)} if own else {}
    return SourceRecord(
        openalex_id=openalex_id,
        display_name=name(f, obj, where, openalex_id),
        issn_l=f.text(obj, "issn_l", where, ISSN_MAX),
        issn=tuple(f.strings(obj, "issn", where, ISSN_MAX, 50)),
        type=f.text(obj, "type", where, TYPE_MAX),
        # 2021's host_venue named the publisher only: "publisher": "Healthc Q".
        host_organization_name=f.text(obj, "host_organization_name", where, NAME_MAX)
        or f.text(obj, "publisher", where, NAME_MAX),
        host_organization=host_id or "",
        homepage_url=f.url(obj, "homepage_url", where, URL_MAX),
        country_code=country(f, obj, "country_code", where),
        is_oa=f.boolean(obj, "is_oa", where),
        is_in_doaj=f.boolean(obj, "is_in_doaj", where),
        **extra,
    )


def _taxonomy_name(f: Fields, obj: dict, key: str, where: str) -> str:
    level = f.mapping(obj, key, where)
    return f.text(level, "display_name", f"{where}{key}.", TAXONOMY_MAX)


def topic(f: Fields, obj: dict, where: str, *, own: str | None = None):
    openalex_id = own or f.entity_id(obj, where, "T")
    if openalex_id is None:
        return None
    extra = {"figures": figures(f, obj), **own_fields(obj, f)} if own else {}
    return TopicRecord(
        openalex_id=openalex_id,
        display_name=name(f, obj, where, openalex_id),
        subfield=_taxonomy_name(f, obj, "subfield", where),
        field=_taxonomy_name(f, obj, "field", where),
        domain=_taxonomy_name(f, obj, "domain", where),
        **extra,
    )


def concept(f: Fields, obj: dict, where: str, *, own: str | None = None):
    openalex_id = own or f.entity_id(obj, where, "C")
    if openalex_id is None:
        return None
    extra = {"figures": figures(f, obj), **own_fields(obj, f)} if own else {}
    return ConceptRecord(
        openalex_id=openalex_id,
        display_name=name(f, obj, where, openalex_id),
        level=f.integer(obj, "level", where, high=32767),
        wikidata=f.url(obj, "wikidata", where, WIKIDATA_MAX),
        **extra,
    )


def publisher(f: Fields, obj: dict, where: str, *, own: str | None = None):
    openalex_id = own or f.entity_id(obj, where, "P")
    if openalex_id is None:
        return None
    codes = [c.upper() for c in f.strings(obj, "country_codes", where, 3, 50) if len(c) == 2]
    return PublisherRecord(
        openalex_id=openalex_id,
        display_name=name(f, obj, where, openalex_id),
        hierarchy_level=f.integer(obj, "hierarchy_level", where, high=32767),
        country_codes=tuple(codes),
        homepage_url=f.url(obj, "homepage_url", where, URL_MAX),
        figures=figures(f, obj),
        **own_fields(obj, f),
    )


def funder(f: Fields, obj: dict, where: str, *, own: str | None = None):
    openalex_id = own or f.entity_id(obj, where, "F")
    if openalex_id is None:
        return None
    return FunderRecord(
        openalex_id=openalex_id,
        display_name=name(f, obj, where, openalex_id),
        country_code=country(f, obj, "country_code", where),
        homepage_url=f.url(obj, "homepage_url", where, URL_MAX),
        figures=figures(f, obj),
        **own_fields(obj, f),
    )
