"""The researcher directory and the search box's autocomplete."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.shortcuts import render

from bzpeer.page_cache import public_page
from works.models import Researcher

from . import directory as directory_rules


# Results for a query, shared by everyone who asks it until the record changes (every import
# batch, correction and rename retires them) or the hour is up, as the other public pages
# are. They were kept for two minutes: every popular query then re-rendered (75 ms at p99 at
# a million works) every two minutes, all at once, queueing the workers behind them. Redis's
# memory, not the timeout, bounds how many are kept (volatile-lru, docker-compose.yml).
@public_page("directory", allowed_params=None)
def directory(request):
    filters = directory_rules.parse_filters(request.GET)
    researchers = directory_rules.researchers_for(filters)
    per_page = settings.BZPEER["DIRECTORY_PER_PAGE"]
    if filters.query and connection.vendor == "postgresql":
        # A name query finds a bounded set of records: their ids, in order, in one query;
        # the count, the facets (one query) and the page's rows (one) all come from them.
        ids = list(researchers.values_list("pk", flat=True))
        page = Paginator(ids, per_page).get_page(request.GET.get("page"))
        rows = Researcher.objects.in_bulk(page.object_list)
        page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
        facets = directory_rules.facet_counts_of(ids)
    else:
        page = Paginator(researchers, per_page).get_page(request.GET.get("page"))
        facets = directory_rules.facet_counts(filters, researchers)
    context = {
        "page": page,
        "query": filters.query,
        "filters": filters,
        "facets": facets,
        "sorts": directory_rules.SORTS,
    }
    return render(request, "profiles/directory.html", context)


def autocomplete(request):
    """Names for the search box's suggestions, as an HTML fragment for htmx."""
    query = request.GET.get("q", "")
    suggestions = Researcher.objects.autocomplete(query) if len(query) <= 200 else []
    return render(request, "profiles/_autocomplete.html", {"suggestions": suggestions})
