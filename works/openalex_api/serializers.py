"""Entities in OpenAlex's JSON shape.

A row imported from its own OpenAlex record is served as that record, field for field, with
BZPEER's derived fields overlaid (DERIVED_FIELDS, which the API docs list). A row known only
from short copies inside other records, or made in BZPEER, has no stored record: its JSON is
built from the typed columns, and fields BZPEER does not hold are left out, never invented.
"""

from django.conf import settings
from django.db import models
from django.db.models.expressions import RawSQL

from bzpeer.safety import safe_url
from works.models import OpenAlexRecord

from . import ids

# What BZPEER puts over a stored record, and why. The round-trip test allows these and only
# these to differ from the imported record.
DERIVED_FIELDS = {
    "relevance_score": "BZPEER's own score for the search asked (only on search results); "
    "the score a record was exported with belonged to another query",
    "works_api_url": "a link to this API's works of the entity, not OpenAlex's",
    "cited_by_api_url": "a link to this API's works citing the work, not OpenAlex's",
    "sources_api_url": "a link to this API's sources of the publisher, not OpenAlex's",
    "*url": "any field whose name ends in `url` is served only when it is an http(s) link "
    "(else null), as every link BZPEER shows",
}

# The filter that lists an entity's works (or a publisher's sources) in this API.
_LINKS = {
    "authors": ("works_api_url", "works", "author.id"),
    "institutions": ("works_api_url", "works", "institutions.id"),
    "sources": ("works_api_url", "works", "primary_location.source.id"),
    "topics": ("works_api_url", "works", "topics.id"),
    "concepts": ("works_api_url", "works", "concepts.id"),
    "publishers": ("sources_api_url", "sources", "host_organization.id"),
    "works": ("cited_by_api_url", "works", "cites"),
}


# A list's works show the first 100 entries of their bylines, as OpenAlex's lists do; a single
# work shows them all. One more is read, to tell whether the byline goes on.
LIST_AUTHORSHIPS = 100
# The stored record without its byline, and the byline's first entries, cut in the database so
# that a consortium paper's thousands of entries are never sent or parsed.
_RECORD_WITHOUT_BYLINE = RawSQL("record - 'authorships'", [], output_field=models.JSONField())
_BYLINE_START = RawSQL(
    "jsonb_path_query_array(record -> 'authorships', %s::jsonpath)",
    [f"$[0 to {LIST_AUTHORSHIPS}]"],
    output_field=models.JSONField(),
)


def attach_documents(rows, *, in_list: bool = False) -> list:
    """Load the stored records of these rows in one query; ``row.document`` is None without.

    `in_list`: the rows are a page of a works list, whose bylines are cut at LIST_AUTHORSHIPS.
    """
    rows = list(rows)
    wanted = [row.openalex_id for row in rows if getattr(row, "openalex_id", None)]
    records = OpenAlexRecord.objects.filter(openalex_id__in=wanted)
    if in_list:
        stored = {}
        for key, record, byline in records.values_list(
            "openalex_id", _RECORD_WITHOUT_BYLINE, _BYLINE_START
        ):
            if byline is not None:  # a record without a byline keeps none
                record["authorships"] = byline
            stored[key] = record
    else:
        stored = dict(records.values_list("openalex_id", "record"))
    for row in rows:
        row.document = stored.get(row.openalex_id) if row.openalex_id else None
        row.authorships_limit = LIST_AUTHORSHIPS if in_list else None
    return rows


def _cut_byline(data: dict, limit: int | None) -> dict:
    """Cut a list's byline at `limit`, saying so as OpenAlex does (only when it is cut)."""
    authorships = data.get("authorships")
    if limit is not None and isinstance(authorships, list) and len(authorships) > limit:
        data["authorships"] = authorships[:limit]
        data["is_authors_truncated"] = True
    return data


def _document(row) -> dict | None:
    if not hasattr(row, "document"):
        attach_documents([row])
    return row.document


def api_url(entity: str, row_id: str, collection: str = "works", key: str | None = None) -> str:
    key = key or _LINKS[entity][2]
    return f"{settings.SITE_URL}/openalex/{collection}?filter={key}:{row_id}"


def _safe_links(value):
    """Every ``…url`` field of the record, nested or not, only as an http(s) link."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and key.lower().endswith("url") and item:
                if safe_url(item) != item:
                    value[key] = safe_url(item) or None
            elif isinstance(item, dict | list):
                _safe_links(item)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list):
                _safe_links(item)
    return value


def overlay(entity: str, row, document: dict) -> dict:
    """The stored record with BZPEER's derived fields (DERIVED_FIELDS) put over it.

    Changes the document in place: it was read from the database for this answer alone.
    """
    data = document
    data.pop("relevance_score", None)
    if entity in _LINKS:
        field, collection, key = _LINKS[entity]
        if field in data:
            data[field] = api_url(entity, ids.short_id(entity, row), collection, key)
    return _safe_links(data)


def _served(entity: str):
    """Serve the stored record when there is one, else the JSON built from typed columns."""

    def wrap(build):
        def serialize(row) -> dict:
            document = _document(row)
            data = overlay(entity, row, document) if document else build(row)
            if entity == "works":
                return _cut_byline(data, getattr(row, "authorships_limit", None))
            return data

        serialize.__name__ = build.__name__
        serialize.__doc__ = build.__doc__
        return serialize

    return wrap


# --- Built from the typed columns -----------------------------------------------------------


def _date(value):
    return value.isoformat() if value else None


def _updated(row):
    if getattr(row, "updated_date", None):
        return row.updated_date.isoformat()
    return row.updated_at.date().isoformat() if getattr(row, "updated_at", None) else None


def _summary(row) -> dict:
    return {
        "2yr_mean_citedness": row.two_year_mean_citedness,
        "h_index": row.h_index,
        "i10_index": row.i10_index,
    }


def institution_ref(institution) -> dict:
    return {
        "id": ids.full_id("institutions", institution),
        "display_name": institution.display_name,
        "ror": f"https://ror.org/{institution.ror}" if institution.ror else None,
        "country_code": institution.country_code or None,
        "type": institution.type or None,
    }


def source_ref(source) -> dict:
    return {
        "id": ids.full_id("sources", source),
        "display_name": source.display_name,
        "issn_l": source.issn_l or None,
        "issn": source.issn or None,
        "is_oa": source.is_oa,
        "is_in_doaj": source.is_in_doaj,
        "host_organization": ids.OPENALEX_BASE + source.host_organization
        if source.host_organization
        else None,
        "host_organization_name": source.host_organization_name or None,
        "type": source.type or None,
    }


def topic_ref(topic, score=None) -> dict:
    data = {"id": ids.full_id("topics", topic), "display_name": topic.display_name}
    if score is not None:
        data["score"] = score
    for level in ("subfield", "field", "domain"):
        name = getattr(topic, level)
        data[level] = {"display_name": name} if name else None
    return data


def concept_ref(concept, score=None) -> dict:
    data = {
        "id": ids.full_id("concepts", concept),
        "wikidata": concept.wikidata or None,
        "display_name": concept.display_name,
        "level": concept.level,
    }
    if score is not None:
        data["score"] = score
    return data


def inverted_index(text: str) -> dict | None:
    """OpenAlex ships abstracts as word -> positions; rebuild that from the stored text."""
    if not text:
        return None
    index: dict[str, list[int]] = {}
    for position, word in enumerate(text.split()):
        index.setdefault(word, []).append(position)
    return index


def _authorship(authorship) -> dict:
    researcher = authorship.researcher
    institutions = [
        institution_ref(link.institution)
        for link in sorted(authorship.institution_links.all(), key=lambda link: link.order)
    ]
    if researcher is not None:
        author = {
            "id": ids.full_id("authors", researcher),
            "display_name": researcher.display_name,
            "orcid": researcher.orcid_url or None,
        }
    else:  # an unlinked byline: its name as printed, no author id
        author = {"id": None, "display_name": authorship.raw_author_name, "orcid": None}
    countries = authorship.countries or sorted(
        {i["country_code"] for i in institutions if i["country_code"]}
    )
    return {
        "author_position": authorship.position or None,
        "author": author,
        "institutions": institutions,
        "countries": countries,
        "is_corresponding": authorship.is_corresponding,
        "raw_author_name": authorship.name,
        "raw_affiliation_strings": authorship.raw_affiliation_strings,
    }


@_served("works")
def work(row) -> dict:
    doi_url = f"https://doi.org/{row.doi}" if row.doi else None
    work_topics = sorted(row.work_topics.all(), key=lambda wt: -wt.score)
    topics = [topic_ref(wt.topic, wt.score) for wt in work_topics]
    concepts = [
        concept_ref(wc.concept, wc.score)
        for wc in sorted(row.work_concepts.all(), key=lambda wc: -wc.score)
    ]
    source = source_ref(row.source) if row.source else None
    landing = safe_url(row.landing_page_url) or doi_url
    location = {"source": source, "landing_page_url": landing} if source or landing else None
    return {
        "id": ids.full_id("works", row),
        "doi": doi_url,
        "title": row.title or None,
        "display_name": row.title or None,
        "publication_year": row.publication_year,
        "publication_date": _date(row.publication_date),
        "ids": {"openalex": ids.full_id("works", row), **({"doi": doi_url} if doi_url else {})},
        "language": row.language or None,
        "primary_location": location,
        "type": row.type or None,
        "open_access": {
            "is_oa": row.is_oa,
            "oa_status": row.oa_status or None,
            "oa_url": safe_url(row.oa_url) or None,
        },
        # In a list, the loader read at most one entry more than is shown (load_works_page).
        "authorships": [_authorship(a) for a in row.authorships.all()],
        "authors_count": row.authors_count,
        "cited_by_count": row.cited_by_count,
        "is_retracted": row.is_retracted,
        "primary_topic": topics[0] if topics else None,
        "topics": topics,
        "concepts": concepts,
        "referenced_works_count": len(row.referenced_works),
        "referenced_works": [ids.OPENALEX_BASE + w for w in row.referenced_works],
        "abstract_inverted_index": inverted_index(row.abstract),
        "counts_by_year": row.counts_by_year,
        "cited_by_api_url": api_url("works", ids.short_id("works", row)),
        "updated_date": _updated(row),
        "created_date": _date(row.created_at.date()) if row.created_at else None,
    }


@_served("authors")
def author(row) -> dict:
    short = ids.short_id("authors", row)
    affiliations = list(row.affiliations.all())
    # No author record: the figures computed from the works held (figures_from says so).
    works_count = row.figures_works_count
    cited = row.figures_cited_by_count
    return {
        "id": ids.full_id("authors", row),
        "orcid": row.orcid_url or None,
        "display_name": row.display_name,
        "display_name_alternatives": row.display_name_alternatives,
        "works_count": works_count if works_count is not None else row.works_count,
        "cited_by_count": cited if cited is not None else row.cited_by_count,
        "summary_stats": _summary(row),
        "ids": {
            "openalex": ids.full_id("authors", row),
            **({"orcid": row.orcid_url} if row.orcid else {}),
        },
        "affiliations": [
            {
                "institution": institution_ref(a.institution),
                # Only the first and last year seen are held.
                "years": sorted({a.first_year, a.last_year} - {None}, reverse=True),
            }
            for a in affiliations
        ],
        "last_known_institutions": [institution_ref(i) for i in row.current_institutions],
        "counts_by_year": row.counts_by_year,
        "works_api_url": api_url("authors", short),
        "updated_date": _updated(row),
        "created_date": _date(row.created_at.date()) if row.created_at else None,
    }


def _figures(row) -> dict:
    return {
        "works_count": row.works_count,
        "cited_by_count": row.cited_by_count,
        "summary_stats": _summary(row),
        "counts_by_year": row.counts_by_year,
    }


@_served("institutions")
def institution(row) -> dict:
    return {
        **institution_ref(row),
        "homepage_url": safe_url(row.homepage_url) or None,
        **_figures(row),
        "ids": {
            "openalex": ids.full_id("institutions", row),
            **({"ror": f"https://ror.org/{row.ror}"} if row.ror else {}),
        },
        "works_api_url": api_url("institutions", ids.short_id("institutions", row)),
        "updated_date": _updated(row),
    }


@_served("sources")
def source(row) -> dict:
    return {
        **source_ref(row),
        "homepage_url": safe_url(row.homepage_url) or None,
        "country_code": row.country_code or None,
        **_figures(row),
        "ids": {"openalex": ids.full_id("sources", row)},
        "works_api_url": api_url("sources", ids.short_id("sources", row)),
        "updated_date": _updated(row),
    }


@_served("topics")
def topic(row) -> dict:
    return {
        **topic_ref(row),
        **_figures(row),
        "ids": {"openalex": ids.full_id("topics", row)},
        "works_api_url": api_url("topics", ids.short_id("topics", row)),
        "updated_date": _updated(row),
    }


@_served("concepts")
def concept(row) -> dict:
    return {
        **concept_ref(row),
        **_figures(row),
        "ids": {"openalex": ids.full_id("concepts", row)},
        "works_api_url": api_url("concepts", ids.short_id("concepts", row)),
        "updated_date": _updated(row),
    }


@_served("publishers")
def publisher(row) -> dict:
    return {
        "id": ids.full_id("publishers", row),
        "display_name": row.display_name,
        "hierarchy_level": row.hierarchy_level,
        "country_codes": row.country_codes,
        "homepage_url": safe_url(row.homepage_url) or None,
        **_figures(row),
        "ids": {"openalex": ids.full_id("publishers", row)},
        "sources_api_url": api_url("publishers", ids.short_id("publishers", row), "sources"),
        "updated_date": _updated(row),
    }


@_served("funders")
def funder(row) -> dict:
    return {
        "id": ids.full_id("funders", row),
        "display_name": row.display_name,
        "country_code": row.country_code or None,
        "homepage_url": safe_url(row.homepage_url) or None,
        **_figures(row),
        "ids": {"openalex": ids.full_id("funders", row)},
        "updated_date": _updated(row),
    }
