"""The researcher directory: filters, sort orders and the counts beside each filter."""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import models

from works.models import Institution, Researcher, ResearcherInstitution, ResearcherTopic, Topic

SORTS = {
    "relevance": None,  # the search's own ranking; trust order when there is no query
    "trust": ("-trust_score", "-works_count", "id"),
    "works": ("-works_count", "-trust_score", "id"),
    "followers": ("-followers_count", "-trust_score", "id"),
}
DEFAULT_ORDER = SORTS["trust"]
FACET_SIZE = 10
# Counts over the whole directory are the costly ones and change slowly.
FACET_CACHE_SECONDS = 300
WHOLE_DIRECTORY_FACETS = "directory-facets:all"
# Every institution a record is known at: its author record's and its own authorships'.
Affiliation = ResearcherInstitution


@dataclass
class Filters:
    query: str = ""
    topic: Topic | None = None
    institution: Institution | None = None
    country: str = ""
    claimed: bool | None = None
    open_only: bool = False
    sort: str = "relevance"
    errors: list[str] = field(default_factory=list)

    def as_params(self, **changes) -> dict:
        """Query parameters for these filters with some changed (None drops one)."""
        params = {
            "q": self.query,
            "topic": self.topic.pk if self.topic else None,
            "institution": self.institution.pk if self.institution else None,
            "country": self.country,
            "claimed": {True: "yes", False: "no", None: None}[self.claimed],
            "open": "yes" if self.open_only else None,
            "sort": self.sort if self.sort != "relevance" else None,
        }
        params.update(changes)
        return {k: v for k, v in params.items() if v not in (None, "")}

    @property
    def any_filter(self) -> bool:
        return (
            bool(self.topic or self.institution or self.country or self.claimed is not None)
            or self.open_only
        )


def _id(raw: str | None):
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def parse_filters(params) -> Filters:
    """Read filters from query parameters; unknown values are reported, never fatal."""
    filters = Filters(query=" ".join(params.get("q", "").split())[:200])
    if (topic_id := _id(params.get("topic"))) is not None:
        filters.topic = Topic.objects.filter(pk=topic_id).first()
    if (institution_id := _id(params.get("institution"))) is not None:
        filters.institution = Institution.objects.filter(pk=institution_id).first()
    for name, value in (("topic", filters.topic), ("institution", filters.institution)):
        if params.get(name) and value is None:
            filters.errors.append(f"There is no {name} {params.get(name)[:20]!r}; showing all.")
    country = params.get("country", "").strip().upper()
    if country:
        if len(country) == 2 and country.isalpha():
            filters.country = country
        else:
            filters.errors.append("A country is a two-letter code such as NL.")
    filters.claimed = {"yes": True, "no": False}.get(params.get("claimed", ""))
    filters.open_only = params.get("open") == "yes"
    sort = params.get("sort", "relevance")
    filters.sort = sort if sort in SORTS else "relevance"
    return filters


def researchers_for(filters: Filters):
    """The filtered, sorted researchers."""
    researchers = Researcher.objects.search(filters.query)
    if filters.topic:
        researchers = researchers.filter(
            models.Exists(
                ResearcherTopic.objects.filter(
                    researcher=models.OuterRef("pk"), topic=filters.topic
                )
            )
        )
    if filters.institution:
        researchers = researchers.filter(
            models.Exists(
                Affiliation.objects.filter(
                    researcher=models.OuterRef("pk"), institution=filters.institution
                )
            )
        )
    if filters.country:
        researchers = researchers.filter(
            models.Exists(
                Affiliation.objects.filter(
                    researcher=models.OuterRef("pk"), institution__country_code=filters.country
                )
            )
        )
    if filters.claimed is not None:
        claimed = models.Q(claim_status__in=["claimed", "verified"])
        researchers = researchers.filter(claimed if filters.claimed else ~claimed)
    if filters.open_only:
        researchers = researchers.filter(open_to_collaborate=True)
    order = SORTS[filters.sort] or (None if filters.query else DEFAULT_ORDER)
    return researchers.order_by(*order) if order else researchers


def facet_counts(filters: Filters, researchers) -> dict:
    """How many of the current results each filter value would keep, top values first."""
    # Only the unfiltered directory's counts are cached: they cover every record, so they are
    # the costly ones, and a few minutes' lag in them misleads nobody.
    cacheable = not filters.query and not filters.any_filter
    if cacheable and (cached := cache.get(WHOLE_DIRECTORY_FACETS)) is not None:
        return cached
    ids = researchers.order_by().values("pk")
    totals = researchers.order_by().aggregate(
        total=models.Count("pk"),
        claimed=models.Count("pk", filter=models.Q(claim_status__in=["claimed", "verified"])),
        open=models.Count("pk", filter=models.Q(open_to_collaborate=True)),
    )
    topics = (
        ResearcherTopic.objects.filter(researcher__in=ids)
        .values("topic_id", "topic__display_name")
        .annotate(count=models.Count("researcher_id"))
        .order_by("-count", "topic__display_name")[:FACET_SIZE]
    )
    institutions = (
        Affiliation.objects.filter(researcher__in=ids)
        .values("institution_id", "institution__display_name")
        .annotate(count=models.Count("researcher_id"))
        .order_by("-count", "institution__display_name")[:FACET_SIZE]
    )
    countries = (
        Affiliation.objects.filter(researcher__in=ids)
        .exclude(institution__country_code="")
        .values("institution__country_code")
        .annotate(count=models.Count("researcher_id", distinct=True))
        .order_by("-count", "institution__country_code")[:FACET_SIZE]
    )
    facets = {
        "total": totals["total"],
        "claimed": totals["claimed"],
        "unclaimed": totals["total"] - totals["claimed"],
        "open": totals["open"],
        "topics": [(t["topic_id"], t["topic__display_name"], t["count"]) for t in topics],
        "institutions": [
            (i["institution_id"], i["institution__display_name"], i["count"]) for i in institutions
        ],
        "countries": [(c["institution__country_code"], c["count"]) for c in countries],
    }
    if cacheable:
        cache.set(WHOLE_DIRECTORY_FACETS, facets, FACET_CACHE_SECONDS)
    return facets
