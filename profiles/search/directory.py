"""The researcher directory: its filters read liberally, and the counts beside each filter.

What each filter and sort does is defined once, in profiles.search.filters (the REST list uses
the same FilterSet); here a value that cannot be used is explained and dropped, never fatal.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import models

from works.models import Institution, Researcher, ResearcherInstitution, ResearcherTopic, Topic

from .filters import CLAIMED, DIRECTORY_SORTS, ResearcherFilter

FACET_SIZE = 10
# Counts over the whole directory are the costly ones and change slowly.
FACET_CACHE_SECONDS = 300
WHOLE_DIRECTORY_FACETS = "directory-facets:all"
# Every institution a record is known at: its author record's and its own authorships'.
Affiliation = ResearcherInstitution
SORTS = DIRECTORY_SORTS


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


def parse_filters(params) -> Filters:
    """Read filters from query parameters; unknown values are reported, never fatal."""
    data = {name: params.get(name) for name in params}
    # Read as people type: spaces folded, a long query cut rather than refused.
    data["q"] = " ".join(params.get("q", "").split())[:200]
    form = ResearcherFilter(data).form
    form.is_valid()
    clean = form.cleaned_data
    filters = Filters(query=clean.get("q") or "")
    if clean.get("topic"):
        filters.topic = Topic.objects.filter(pk=clean["topic"]).first()
    if clean.get("institution"):
        filters.institution = Institution.objects.filter(pk=clean["institution"]).first()
    for name, value in (("topic", filters.topic), ("institution", filters.institution)):
        if params.get(name) and value is None:
            filters.errors.append(f"There is no {name} {params.get(name)[:20]!r}; showing all.")
    if "country" in form.errors and params.get("country", "").strip():
        filters.errors.append("A country is a two-letter code such as NL.")
    filters.country = (clean.get("country") or "").upper()
    filters.claimed = {"yes": True, "no": False}.get(clean.get("claimed"))
    filters.open_only = clean.get("open") == "yes"
    filters.sort = clean.get("sort") or "relevance"
    return filters


def researchers_for(filters: Filters):
    """The filtered, sorted researchers."""
    return ResearcherFilter(filters.as_params(), queryset=Researcher.objects.live()).qs


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
        claimed=models.Count("pk", filter=CLAIMED),
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
