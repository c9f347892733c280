"""The researcher directory: its filters read liberally, and the counts beside each filter.

What each filter and sort does is defined once, in profiles.search.filters (the REST list uses
the same FilterSet); here a value that cannot be used is explained and dropped, never fatal.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, models

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


# A name query's results are at most SEARCH_CANDIDATES records, known by id: their totals and
# facets in one statement over one array parameter. Measured at 1,000,000 works, the ORM's five
# aggregates (each re-sending the candidate ids as hundreds of placeholders and hashing every
# topic before the top ten were known) took 5 round trips and most of the query path's time.
_FACETS_OF_IDS = """
WITH c AS (SELECT id, claim_status, open_to_collaborate FROM {researcher} WHERE id = ANY(%(ids)s))
SELECT 'totals', NULL::bigint, NULL::text, count(*),
       count(*) FILTER (WHERE claim_status = ANY(%(claimed)s)),
       count(*) FILTER (WHERE open_to_collaborate)
FROM c
UNION ALL (
  SELECT 'topic', t.topic_id, tp.display_name, t.n, 0, 0
  FROM (SELECT topic_id, count(*) AS n FROM {researcher_topic} WHERE researcher_id = ANY(%(ids)s)
        GROUP BY topic_id) t
  JOIN {topic} tp ON tp.id = t.topic_id
  ORDER BY t.n DESC, tp.display_name LIMIT %(size)s)
UNION ALL (
  SELECT 'institution', a.institution_id, i.display_name, a.n, 0, 0
  FROM (SELECT institution_id, count(*) AS n FROM {affiliation} WHERE researcher_id = ANY(%(ids)s)
        GROUP BY institution_id) a
  JOIN {institution} i ON i.id = a.institution_id
  ORDER BY a.n DESC, i.display_name LIMIT %(size)s)
UNION ALL (
  SELECT 'country', NULL, i.country_code, count(DISTINCT a.researcher_id), 0, 0
  FROM {affiliation} a JOIN {institution} i ON i.id = a.institution_id
  WHERE a.researcher_id = ANY(%(ids)s) AND i.country_code <> ''
  GROUP BY i.country_code ORDER BY 4 DESC, 3 LIMIT %(size)s)
"""


def facet_counts_of(ids: list[int]) -> dict:
    """facet_counts for results known by their ids (a name query's): one query."""
    sql = _FACETS_OF_IDS.format(
        researcher=Researcher._meta.db_table,
        researcher_topic=ResearcherTopic._meta.db_table,
        topic=Topic._meta.db_table,
        affiliation=Affiliation._meta.db_table,
        institution=Institution._meta.db_table,
    )
    claimed = list(CLAIMED.children[0][1])
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": list(ids), "claimed": claimed, "size": FACET_SIZE})
        rows = cursor.fetchall()
    facets = {"topics": [], "institutions": [], "countries": []}
    for kind, key, label, count, claimed_count, open_count in rows:
        if kind == "totals":
            facets.update(
                total=count, claimed=claimed_count, unclaimed=count - claimed_count, open=open_count
            )
        elif kind == "country":
            facets["countries"].append((label, count))
        else:
            facets[f"{kind}s"].append((key, label, count))
    return facets
