"""Rows in OpenAlex's JSON shape. Fields BZPEER does not hold are left out, never invented."""

from django.conf import settings

from bzpeer.safety import safe_url

from . import ids


def _date(value):
    return value.isoformat() if value else None


def _updated(row):
    return row.updated_at.date().isoformat() if getattr(row, "updated_at", None) else None


def works_api_url(entity_filter: str, row_id: str) -> str:
    return f"{settings.SITE_URL}/openalex/works?filter={entity_filter}:{row_id}"


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
        "type": source.type or None,
        "host_organization_name": source.host_organization_name or None,
    }


def topic_ref(topic, score=None) -> dict:
    data = {"id": ids.full_id("topics", topic), "display_name": topic.display_name}
    if score is not None:
        data["score"] = score
    for level in ("subfield", "field", "domain"):
        name = getattr(topic, level)
        data[level] = {"display_name": name} if name else None
    return data


def inverted_index(text: str) -> dict | None:
    """OpenAlex ships abstracts as word -> positions; rebuild that from the stored text."""
    if not text:
        return None
    index: dict[str, list[int]] = {}
    for position, word in enumerate(text.split()):
        index.setdefault(word, []).append(position)
    return index


def work(row) -> dict:
    doi_url = f"https://doi.org/{row.doi}" if row.doi else None
    work_topics = sorted(row.work_topics.all(), key=lambda wt: -wt.score)
    topics = [topic_ref(wt.topic, wt.score) for wt in work_topics]
    authorships = []
    for authorship in row.authorships.all():
        researcher = authorship.researcher
        institutions = [institution_ref(i) for i in authorship.institutions.all()]
        authorships.append(
            {
                "author_position": authorship.position or None,
                "author": {
                    "id": ids.full_id("authors", researcher),
                    "display_name": researcher.display_name,
                    "orcid": researcher.orcid_url or None,
                },
                "institutions": institutions,
                "countries": sorted({i["country_code"] for i in institutions if i["country_code"]}),
                "raw_author_name": authorship.raw_author_name or researcher.display_name,
            }
        )
    source = source_ref(row.source) if row.source else None
    return {
        "id": ids.full_id("works", row),
        "doi": doi_url,
        "title": row.title or None,
        "display_name": row.title or None,
        "publication_year": row.publication_year,
        "publication_date": _date(row.publication_date),
        "ids": {"openalex": ids.full_id("works", row), **({"doi": doi_url} if doi_url else {})},
        "language": row.language or None,
        "primary_location": {"source": source, "landing_page_url": doi_url} if source else None,
        "type": row.type or None,
        "authorships": authorships,
        "cited_by_count": row.cited_by_count,
        "primary_topic": topics[0] if topics else None,
        "topics": topics,
        "referenced_works_count": len(row.referenced_works),
        "referenced_works": [ids.OPENALEX_BASE + w for w in row.referenced_works],
        "abstract_inverted_index": inverted_index(row.abstract),
        "updated_date": _updated(row),
        "created_date": _date(row.created_at.date()) if row.created_at else None,
    }


def author(row) -> dict:
    short = ids.short_id("authors", row)
    return {
        "id": ids.full_id("authors", row),
        "orcid": row.orcid_url or None,
        "display_name": row.display_name,
        "display_name_alternatives": row.display_name_alternatives,
        "works_count": row.works_count,
        "cited_by_count": row.cited_by_count,
        "ids": {
            "openalex": ids.full_id("authors", row),
            **({"orcid": row.orcid_url} if row.orcid else {}),
        },
        "last_known_institutions": [institution_ref(i) for i in row.last_known_institutions.all()],
        "works_api_url": works_api_url("author.id", short),
        "updated_date": _updated(row),
        "created_date": _date(row.created_at.date()) if row.created_at else None,
    }


def institution(row) -> dict:
    return {
        **institution_ref(row),
        "homepage_url": safe_url(row.homepage_url) or None,
        "ids": {
            "openalex": ids.full_id("institutions", row),
            **({"ror": f"https://ror.org/{row.ror}"} if row.ror else {}),
        },
        "works_api_url": works_api_url("institutions.id", ids.short_id("institutions", row)),
        "updated_date": _updated(row),
    }


def source(row) -> dict:
    return {
        **source_ref(row),
        "issn": [row.issn_l] if row.issn_l else None,
        "ids": {"openalex": ids.full_id("sources", row)},
        "works_api_url": works_api_url("primary_location.source.id", ids.short_id("sources", row)),
        "updated_date": _updated(row),
    }


def topic(row) -> dict:
    return {
        **topic_ref(row),
        "ids": {"openalex": ids.full_id("topics", row)},
        "works_api_url": works_api_url("topics.id", ids.short_id("topics", row)),
        "updated_date": _updated(row),
    }
