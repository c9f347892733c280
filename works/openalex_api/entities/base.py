"""The parts every OpenAlex collection is made of: filter builders, lookups and loaders.

Every filter becomes a `Q` on the collection's own table; relations are matched by subquery
(`pk IN (...)`), so a row is never counted or listed twice and `meta.count` stays exact.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

from works import identifiers
from works.models import (
    Authorship,
    AuthorshipInstitution,
    OpenAlexRecord,
    Researcher,
    ResearcherInstitution,
    WorkConcept,
    WorkTopic,
)

from .. import ids, serializers
from ..documents import comparisons, invalid

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
    sorts: dict[str, Sort]
    groups: dict[str, Group] = field(default_factory=dict)
    autocomplete_order: tuple[str, ...] = ("display_name", "pk")
    hint: Callable[[models.Model], str | None] = lambda row: None
    external_id: Callable[[models.Model], str | None] = lambda row: None
    lookup: Callable[[str], Q | None] = lambda key: None
    # The rows lists and autocomplete show (authors merged into another record are hidden).
    listed: Q = field(default_factory=Q)
    # How a page of a list loads its rows, when it loads less than a single record does.
    load_list: Callable[[models.QuerySet], models.QuerySet] | None = None
    # Lists keep each row's JSON encoded in the cache (openalex_api.fragments), and load the
    # rows not cached with `load_rows(pks)` (their documents attached), when given.
    list_fragments: bool = False
    load_rows: Callable[[list[int]], list] | None = None

    def load_page(self, queryset: models.QuerySet) -> models.QuerySet:
        return (self.load_list or self.load)(queryset)

    def rows_for_list(self, pks: list[int]) -> list:
        """The rows with these pks, loaded in full for a list page, documents attached."""
        if self.load_rows:
            return self.load_rows(pks)
        loaded = self.load_page(self.model.objects.filter(pk__in=pks))
        return serializers.attach_documents(loaded, in_list=True)

    def __post_init__(self):
        # Every entity keeps its record's updated_date: what an incremental sync asks after.
        self.filters = {**UPDATED_DATE_FILTERS, **self.filters}


def updated_date(key: str, lookup: str, *, end_of_day: bool) -> FilterBuilder:
    """``from_updated_date`` / ``to_updated_date``: a date, or a date and time (UTC unless the
    value says otherwise), as OpenAlex takes them."""

    def build(text):
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise invalid(key, text, "expects a date YYYY-MM-DD or an ISO date-time") from None
        if len(text) == 10 and end_of_day:
            moment += dt.timedelta(days=1, microseconds=-1)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return Q(**{f"updated_date__{lookup}": moment})

    return build


UPDATED_DATE_FILTERS = {
    key: updated_date(key, lookup, end_of_day=lookup == "lte")
    for key, lookup in (("from_updated_date", "gte"), ("to_updated_date", "lte"))
}


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


def number(column: str, high: int = MAX_COUNT, *, decimal: bool = False) -> FilterBuilder:
    """A typed number: `5`, `>5`, `<5`, a range `2018-2020` (`2018-`, `-2020`), or `null`."""
    lookups = {"==": "", "<": "__lt", ">": "__gt", ">=": "__gte", "<=": "__lte"}

    def build(text):
        if text.lower() == "null":
            return Q(**{f"{column}__isnull": True})
        query = Q()
        for op, value in comparisons(column, text, decimal=decimal):
            if not decimal and not 0 <= value <= high:
                raise invalid(column, text, f"expects a whole number up to {high}")
            query &= Q(**{column + lookups[op]: value})
        return query

    return build


def updated(suffix: str) -> FilterBuilder:
    """`from_updated_date` / `to_updated_date`: the record's own date, else when BZPEER wrote it."""

    def build(text):
        try:
            value = dt.datetime.fromisoformat(text.strip())
        except ValueError:
            raise invalid("updated_date", text, "expects an ISO date or date-time") from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        if suffix == "__lte" and len(text.strip()) == 10 and value.year < dt.MAXYEAR:
            value, suffix_used = value + dt.timedelta(days=1), "__lt"  # the whole day
        else:
            suffix_used = suffix
        return Q(**{f"updated_date{suffix_used}": value}) | Q(
            updated_date__isnull=True, **{f"updated_at{suffix_used}": value}
        )

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


def typed_flag(column: str) -> FilterBuilder:
    """A nullable true/false column: `true`, `false` (as stated), `null` (not stated)."""

    def build(text):
        value = {"true": True, "false": False, "null": None}.get(text.lower(), "bad")
        if value == "bad":
            raise invalid(column, text, "expects true or false")
        return Q(**{f"{column}__isnull": True}) if value is None else Q(**{column: value})

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


def figure_sorts() -> dict[str, Sort]:
    """Sorts by name and by the entity's own figures (NULL, not given, sorts lowest)."""
    return {
        "display_name": Sort("display_name"),
        "works_count": Sort("works_count", null_as=-1),
        "cited_by_count": Sort("cited_by_count", null_as=-1),
    }


def researcher_search(text: str) -> Q:
    # The directory's name search, whatever it grows into, serves this API too.
    return Q(pk__in=Researcher.objects.search(text).values("pk"))


# Loading rows with everything their JSON needs, in a fixed number of queries.


def _without_document(queryset, work_path: str):
    """Only the rows of works that have no stored record: the others are served from it."""
    stored = OpenAlexRecord.objects.filter(openalex_id=models.OuterRef(f"{work_path}__openalex_id"))
    return queryset.filter(~models.Exists(stored))


def load_works(queryset, authorships=None):
    """Works with everything their JSON needs; `authorships`: only the byline's first ones."""
    if authorships is None:
        byline = Authorship.objects.all()
    else:
        # One more than is shown tells the byline goes on. Places are numbered from 0, so
        # this reads (work, order) index ranges: a consortium paper costs what any work does.
        byline = Authorship.objects.filter(order__lte=authorships)
    return queryset.select_related("source").prefetch_related(
        models.Prefetch(
            "authorships",
            queryset=_without_document(byline, "work")
            .select_related("researcher")
            .prefetch_related(
                models.Prefetch(
                    "institution_links",
                    queryset=AuthorshipInstitution.objects.select_related("institution"),
                )
            )
            .order_by("order", "id"),
        ),
        models.Prefetch(
            "work_topics",
            queryset=_without_document(WorkTopic.objects, "work").select_related("topic"),
        ),
        models.Prefetch(
            "work_concepts",
            queryset=_without_document(WorkConcept.objects, "work").select_related("concept"),
        ),
    )


def load_works_page(queryset):
    """Works for a page of a list: bylines cut at serializers.LIST_AUTHORSHIPS, as OpenAlex's."""
    return load_works(queryset, authorships=serializers.LIST_AUTHORSHIPS)


def load_authors(queryset):
    return queryset.prefetch_related(
        models.Prefetch(
            "affiliations",
            queryset=ResearcherInstitution.objects.select_related("institution").order_by(
                "-last_known", models.F("last_year").desc(nulls_last=True), "institution_id"
            ),
        )
    )


def _authorship_institutions():
    return AuthorshipInstitution.objects.all()


def _affiliations():
    return ResearcherInstitution.objects.all()


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
