"""What each OpenAlex collection is made of here: its rows, filters, sorts and groups.

Every filter becomes a `Q` on the collection's own table; relations are matched by subquery
(`pk IN (...)`), so a row is never counted or listed twice and `meta.count` stays exact.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

from works import identifiers
from works.models import Authorship, Institution, Researcher, Source, Topic, Work, WorkTopic

from . import ids, serializers
from .filters import QueryError, split_comparison

MAX_COUNT = 2**31 - 1
TYPE_PREFIX = "https://openalex.org/types/"

FilterBuilder = Callable[[str], Q]


@dataclass(frozen=True)
class Sort:
    field: str
    # Stands in for NULL so that keyset comparisons work; NULLs sort as this value.
    null_as: object = None
    kind: str = "plain"  # "date": carried in the cursor as an ISO string


@dataclass(frozen=True)
class Group:
    """Rows to group by `key`, counting distinct entities (`count`) in each group."""

    rows: Callable[[models.QuerySet], models.QuerySet]
    key: str
    label: str | None = None  # a column naming the group; None: the key names itself
    count: str = "pk"
    entity: str | None = None  # the key is a row of this collection: the group key is its id
    openalex: str | None = None  # the column holding that row's OpenAlex id
    prefix: str = ""  # put before the key, as OpenAlex does for types


@dataclass
class Entity:
    name: str
    entity_type: str
    # Root-level fields of the JSON, the ones `select` may name.
    fields: tuple[str, ...]
    model: type[models.Model]
    load: Callable[[models.QuerySet], models.QuerySet]
    serialize: Callable[[models.Model], dict]
    filters: dict[str, FilterBuilder]
    search: Callable[[str], Q]
    relevance_fields: tuple[str, ...]
    sorts: dict[str, Sort]
    groups: dict[str, Group] = field(default_factory=dict)
    autocomplete_order: tuple[str, ...] = ("display_name", "pk")
    hint: Callable[[models.Model], str | None] = lambda row: None
    external_id: Callable[[models.Model], str | None] = lambda row: None
    lookup: Callable[[str], Q | None] = lambda key: None
    # The rows lists and autocomplete show (authors merged into another record are hidden).
    listed: Q = field(default_factory=Q)


def invalid(key: str, text: str, why: str) -> QueryError:
    return QueryError(f"Invalid filter: {key}:{text[:80]} ({why})", "Invalid filter")


def _id_value(entity: str, key: str, text: str) -> tuple[str, object]:
    parsed = ids.parse_id(entity, text)
    if parsed is None:
        raise invalid(key, text, f"not an id of {entity}")
    return parsed


def id_filters(build: FilterBuilder) -> dict[str, FilterBuilder]:
    """The four names OpenAlex accepts for filtering an entity by its own id."""
    return dict.fromkeys(("openalex_id", "openalex", "ids.openalex", "id"), build)


def own_id(entity: str) -> FilterBuilder:
    def build(text):
        kind, value = _id_value(entity, "id", text)
        return Q(**{kind: value})

    return build


def related_id(entity: str, rows: Callable[[], models.QuerySet], relation: str, column: str):
    """Rows of the collection linked (through `rows`) to the entity with this id."""

    def build(text):
        kind, value = _id_value(entity, f"{entity}.id", text)
        lookup = f"{relation}_id" if kind == "pk" else f"{relation}__openalex_id"
        return Q(pk__in=rows().filter(**{lookup: value}).values(column))

    return build


def fk_id(entity: str, relation: str) -> FilterBuilder:
    def build(text):
        kind, value = _id_value(entity, f"{relation}.id", text)
        return Q(**{f"{relation}_id" if kind == "pk" else f"{relation}__openalex_id": value})

    return build


def number(column: str, high: int = MAX_COUNT) -> FilterBuilder:
    def build(text):
        op, digits = split_comparison(text)
        if not digits.isdigit() or int(digits) > high:
            raise invalid(column, text, f"expects a whole number up to {high}")
        suffix = {"=": "", "<": "__lt", ">": "__gt"}[op]
        return Q(**{column + suffix: int(digits)})

    return build


def date(column: str, suffix: str = "") -> FilterBuilder:
    def build(text):
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise invalid(column, text, "expects a date YYYY-MM-DD") from None
        return Q(**{column + suffix: value})

    return build


def text_exact(column: str, strip_prefix: str = "") -> FilterBuilder:
    def build(text):
        value = text.removeprefix(strip_prefix) if strip_prefix else text
        return Q(**{f"{column}__iexact": value})

    return build


def boolean(when_true: Q) -> FilterBuilder:
    def build(text):
        if text.lower() not in {"true", "false"}:
            raise invalid("boolean", text, "expects true or false")
        return when_true if text.lower() == "true" else ~when_true

    return build


def doi(text: str) -> Q:
    value = identifiers.normalize_doi(text)
    if not value:
        raise invalid("doi", text, "not a DOI")
    return Q(doi=value)


def orcid(column: str) -> FilterBuilder:
    def build(text):
        value = text.strip().rstrip("/").rsplit("/", 1)[-1].upper()
        if not identifiers.ORCID_RE.fullmatch(value):
            raise invalid("orcid", text, "not an ORCID iD")
        return Q(**{column: value})

    return build


def words_in(*columns: str) -> Callable[[str], Q]:
    """Every word appears in one of the columns (case-insensitive)."""

    def build(text):
        query = Q()
        for word in text.split()[:20]:
            any_column = Q()
            for column in columns:
                any_column |= Q(**{f"{column}__icontains": word})
            query &= any_column
        return query

    return build


def researcher_search(text: str) -> Q:
    # The directory's name search, whatever it grows into, serves this API too.
    return Q(pk__in=Researcher.objects.search(text).values("pk"))


def relevance(fields: tuple[str, ...], text: str):
    """A simple relevance: 2 points per word in the first field, 1 per word in the others."""
    score = models.Value(0)
    for word in text.split()[:20]:
        for weight, column in zip([2] + [1] * len(fields), fields, strict=False):
            score = score + models.Case(
                models.When(**{f"{column}__icontains": word}, then=models.Value(weight)),
                default=models.Value(0),
            )
    return models.ExpressionWrapper(score, output_field=models.IntegerField())


# Loading rows with everything their JSON needs, in a fixed number of queries.


def load_works(queryset):
    return queryset.select_related("source").prefetch_related(
        models.Prefetch(
            "authorships",
            queryset=Authorship.objects.select_related("researcher")
            .prefetch_related("institutions")
            .order_by("order", "id"),
        ),
        models.Prefetch("work_topics", queryset=WorkTopic.objects.select_related("topic")),
    )


def _authorship_institutions():
    return Authorship.institutions.through.objects.all()


def _last_known():
    return Researcher.last_known_institutions.through.objects.all()


def _lookup_doi(key: str) -> Q | None:
    lowered = key.lower()
    if lowered.startswith(("doi:", "https://doi.org/", "http://doi.org/", "doi.org/", "10.")):
        value = identifiers.normalize_doi(lowered.removeprefix("doi.org/"))
        return Q(doi=value) if value else None
    return None


def _lookup_orcid(key: str) -> Q | None:
    lowered = key.lower()
    if lowered.startswith(("orcid:", "https://orcid.org/", "http://orcid.org/")):
        value = key.rsplit("/", 1)[-1].rsplit(":", 1)[-1].upper()
        return Q(orcid=value) if identifiers.ORCID_RE.fullmatch(value) else None
    return None


def _lookup_ror(key: str) -> Q | None:
    lowered = key.lower()
    if lowered.startswith(("ror:", "https://ror.org/", "http://ror.org/")):
        value = lowered.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        return Q(ror=value) if value else None
    return None


WORK_FIELDS = (
    "id",
    "doi",
    "title",
    "display_name",
    "publication_year",
    "publication_date",
    "ids",
    "language",
    "primary_location",
    "type",
    "authorships",
    "cited_by_count",
    "primary_topic",
    "topics",
    "referenced_works_count",
    "referenced_works",
    "abstract_inverted_index",
    "updated_date",
    "created_date",
    "relevance_score",
)
WORK_ID = own_id("works")
AUTHOR_OF_WORK = related_id("authors", Authorship.objects.all, "researcher", "work_id")
INSTITUTION_OF_WORK = related_id(
    "institutions", _authorship_institutions, "institution", "authorship__work_id"
)
TOPIC_OF_WORK = related_id("topics", WorkTopic.objects.all, "topic", "work_id")
SOURCE_OF_WORK = fk_id("sources", "source")


def AUTHOR_ORCID_OF_WORK(text: str) -> Q:  # noqa: N802 (a filter, named like its siblings)
    authorships = Authorship.objects.filter(orcid("researcher__orcid")(text))
    return Q(pk__in=authorships.values("work_id"))


WORKS = Entity(
    name="works",
    entity_type="work",
    fields=WORK_FIELDS,
    model=Work,
    load=load_works,
    serialize=serializers.work,
    filters={
        **id_filters(WORK_ID),
        "doi": doi,
        "ids.doi": doi,
        "author.id": AUTHOR_OF_WORK,
        "authorships.author.id": AUTHOR_OF_WORK,
        "author.orcid": AUTHOR_ORCID_OF_WORK,
        "authorships.author.orcid": AUTHOR_ORCID_OF_WORK,
        "institutions.id": INSTITUTION_OF_WORK,
        "institution.id": INSTITUTION_OF_WORK,
        "authorships.institutions.id": INSTITUTION_OF_WORK,
        "publication_year": number("publication_year", 9999),
        "publication_date": date("publication_date"),
        "from_publication_date": date("publication_date", "__gte"),
        "to_publication_date": date("publication_date", "__lte"),
        "type": text_exact("type", TYPE_PREFIX),
        "language": text_exact("language"),
        "cited_by_count": number("cited_by_count"),
        "primary_location.source.id": SOURCE_OF_WORK,
        "locations.source.id": SOURCE_OF_WORK,
        "source.id": SOURCE_OF_WORK,
        "topics.id": TOPIC_OF_WORK,
        "primary_topic.id": TOPIC_OF_WORK,
        "has_doi": boolean(~Q(doi="")),
        "has_abstract": boolean(~Q(abstract="")),
        "title.search": words_in("title"),
        "display_name.search": words_in("title"),
        "abstract.search": words_in("abstract"),
        "title_and_abstract.search": words_in("title", "abstract"),
        "default.search": words_in("title", "abstract"),
    },
    search=words_in("title", "abstract"),
    relevance_fields=("title", "abstract"),
    sorts={
        "publication_year": Sort("publication_year", null_as=0),
        "publication_date": Sort("publication_date", null_as=dt.date(1, 1, 1), kind="date"),
        "cited_by_count": Sort("cited_by_count"),
        "display_name": Sort("title"),
        "title": Sort("title"),
    },
    groups={
        "publication_year": Group(lambda qs: qs, "publication_year"),
        "type": Group(lambda qs: qs, "type", prefix=TYPE_PREFIX),
        "language": Group(lambda qs: qs, "language"),
        "primary_location.source.id": Group(
            lambda qs: qs,
            "source_id",
            "source__display_name",
            entity="sources",
            openalex="source__openalex_id",
        ),
        "authorships.author.id": Group(
            lambda qs: Authorship.objects.filter(work__in=qs.values("pk")),
            "researcher_id",
            "researcher__display_name",
            count="work_id",
            entity="authors",
            openalex="researcher__openalex_id",
        ),
        "authorships.institutions.id": Group(
            lambda qs: _authorship_institutions().filter(authorship__work__in=qs.values("pk")),
            "institution_id",
            "institution__display_name",
            count="authorship__work_id",
            entity="institutions",
            openalex="institution__openalex_id",
        ),
        "topics.id": Group(
            lambda qs: WorkTopic.objects.filter(work__in=qs.values("pk")),
            "topic_id",
            "topic__display_name",
            count="work_id",
            entity="topics",
            openalex="topic__openalex_id",
        ),
    },
    autocomplete_order=("-cited_by_count", "pk"),
    hint=lambda row: (
        ", ".join(a.researcher.display_name for a in row.authorships.all()[:3]) or None
    ),
    external_id=lambda row: f"https://doi.org/{row.doi}" if row.doi else None,
    lookup=_lookup_doi,
)


AUTHOR_ID = own_id("authors")
INSTITUTION_OF_AUTHOR = related_id("institutions", _last_known, "institution", "researcher_id")

AUTHORS = Entity(
    name="authors",
    entity_type="author",
    fields=(
        "id",
        "orcid",
        "display_name",
        "display_name_alternatives",
        "works_count",
        "cited_by_count",
        "ids",
        "last_known_institutions",
        "works_api_url",
        "updated_date",
        "created_date",
        "relevance_score",
    ),
    model=Researcher,
    listed=Q(merged_into__isnull=True),
    load=lambda qs: qs.prefetch_related("last_known_institutions"),
    serialize=serializers.author,
    filters={
        **id_filters(AUTHOR_ID),
        "orcid": orcid("orcid"),
        "ids.orcid": orcid("orcid"),
        "has_orcid": boolean(~Q(orcid="")),
        "works_count": number("works_count"),
        "cited_by_count": number("cited_by_count", 2**62),
        "last_known_institutions.id": INSTITUTION_OF_AUTHOR,
        "last_known_institution.id": INSTITUTION_OF_AUTHOR,
        "affiliations.institution.id": INSTITUTION_OF_AUTHOR,
        "display_name.search": researcher_search,
        "default.search": researcher_search,
    },
    search=researcher_search,
    relevance_fields=("display_name",),
    sorts={
        "display_name": Sort("display_name"),
        "works_count": Sort("works_count"),
        "cited_by_count": Sort("cited_by_count"),
    },
    groups={
        "last_known_institutions.id": Group(
            lambda qs: _last_known().filter(researcher__in=qs.values("pk")),
            "institution_id",
            "institution__display_name",
            count="researcher_id",
            entity="institutions",
            openalex="institution__openalex_id",
        ),
        "last_known_institutions.country_code": Group(
            lambda qs: _last_known().filter(researcher__in=qs.values("pk")),
            "institution__country_code",
            count="researcher_id",
        ),
        "has_orcid": Group(
            lambda qs: qs.annotate(
                has_orcid=models.Case(
                    models.When(orcid="", then=models.Value("false")),
                    default=models.Value("true"),
                )
            ),
            "has_orcid",
        ),
    },
    autocomplete_order=("-works_count", "pk"),
    hint=lambda row: ", ".join(i.display_name for i in row.last_known_institutions.all()) or None,
    external_id=lambda row: row.orcid_url or None,
    lookup=_lookup_orcid,
)

INSTITUTION_ID = own_id("institutions")

INSTITUTIONS = Entity(
    name="institutions",
    entity_type="institution",
    fields=(
        "id",
        "display_name",
        "ror",
        "country_code",
        "type",
        "homepage_url",
        "ids",
        "works_api_url",
        "updated_date",
        "relevance_score",
    ),
    model=Institution,
    load=lambda qs: qs,
    serialize=serializers.institution,
    filters={
        **id_filters(INSTITUTION_ID),
        "ror": lambda text: _lookup_ror("ror:" + text.removeprefix("ror:")) or Q(pk__in=[]),
        "country_code": text_exact("country_code"),
        "type": text_exact("type"),
        "display_name.search": words_in("display_name"),
        "default.search": words_in("display_name"),
    },
    search=words_in("display_name"),
    relevance_fields=("display_name",),
    sorts={"display_name": Sort("display_name")},
    groups={
        "country_code": Group(lambda qs: qs, "country_code"),
        "type": Group(lambda qs: qs, "type"),
    },
    hint=lambda row: row.country_code or None,
    external_id=lambda row: f"https://ror.org/{row.ror}" if row.ror else None,
    lookup=_lookup_ror,
)

SOURCE_ID = own_id("sources")

SOURCES = Entity(
    name="sources",
    entity_type="source",
    fields=(
        "id",
        "display_name",
        "issn_l",
        "issn",
        "type",
        "host_organization_name",
        "ids",
        "works_api_url",
        "updated_date",
        "relevance_score",
    ),
    model=Source,
    load=lambda qs: qs,
    serialize=serializers.source,
    filters={
        **id_filters(SOURCE_ID),
        "issn_l": text_exact("issn_l"),
        "issn": text_exact("issn_l"),
        "type": text_exact("type"),
        "display_name.search": words_in("display_name"),
        "default.search": words_in("display_name"),
    },
    search=words_in("display_name"),
    relevance_fields=("display_name",),
    sorts={"display_name": Sort("display_name")},
    groups={"type": Group(lambda qs: qs, "type")},
    hint=lambda row: row.host_organization_name or None,
    lookup=lambda key: Q(issn_l__iexact=key[5:]) if key.lower().startswith("issn:") else None,
)

TOPIC_ID = own_id("topics")

TOPICS = Entity(
    name="topics",
    entity_type="topic",
    fields=(
        "id",
        "display_name",
        "subfield",
        "field",
        "domain",
        "ids",
        "works_api_url",
        "updated_date",
        "relevance_score",
    ),
    model=Topic,
    load=lambda qs: qs,
    serialize=serializers.topic,
    filters={
        **id_filters(TOPIC_ID),
        "display_name.search": words_in("display_name"),
        "default.search": words_in("display_name"),
    },
    search=words_in("display_name"),
    relevance_fields=("display_name",),
    sorts={"display_name": Sort("display_name")},
    groups={
        "domain.display_name": Group(lambda qs: qs, "domain"),
        "field.display_name": Group(lambda qs: qs, "field"),
        "subfield.display_name": Group(lambda qs: qs, "subfield"),
    },
    hint=lambda row: row.field or None,
)

ENTITIES = {entity.name: entity for entity in (WORKS, AUTHORS, INSTITUTIONS, SOURCES, TOPICS)}
