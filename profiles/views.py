import functools

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from bzpeer import page_cache as page_cache_shared
from works.models import Researcher, Work

from . import page_cache, page_context, queries, sections, seo
from .owner_content import queries as owner_queries
from .services import trust_breakdown

CLAIM_HISTORY_SHOWN = 10


def claim_history(researcher) -> list:
    """The latest public claim events, newest first (one query)."""
    return list(researcher.claim_events.order_by("-created_at", "-id")[:CLAIM_HISTORY_SHOWN])


class CountedPaginator(Paginator):
    """A paginator told its count by a stored counter, so a page never runs COUNT(*)."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self):
        return self._known_count


@page_cache_shared.public_page("home", allowed_params=())
def home(request):
    top = Researcher.objects.live().ranked()[:6]
    return render(request, "profiles/home.html", {"top_researchers": top})


def researcher_detail(request, pk):
    # Every reader gets the page every reader sees, cached until the record changes, with
    # their own parts (account menu, follow form, claim controls) stitched in.
    if not page_cache_shared.is_shareable(request):
        return _render_researcher_detail(request, pk)
    return page_cache_shared.serve(
        request,
        name="profile",
        variant=f"{pk}:{request.GET.get('page', '1')[:10]}",
        scopes=page_cache.scopes(pk),
        render=lambda: _render_researcher_detail(request, pk),
        part_context=lambda response: response.part_context,
    )


def _render_researcher_detail(request, pk):
    # The owner's words come with the record (a join); their links and pins load only when a
    # fragment that shows them is not cached.
    records = Researcher.objects.for_profile_page().select_related("owner_content")
    researcher = get_object_or_404(records, pk=pk)
    if researcher.merged_into_id:
        # Checked on the row the page loads anyway, so cached and unmerged pages cost nothing.
        url = reverse("profiles:detail", args=[researcher.merged_into_id])
        query = request.GET.urlencode()
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
    works = Work.objects.for_researcher(researcher)
    paginator = CountedPaginator(
        works, settings.BZPEER["PROFILE_WORKS_PER_PAGE"], count=researcher.works_count
    )
    page = paginator.get_page(request.GET.get("page"))
    institutions = researcher.current_institutions
    # Computed once, and only if a template fragment that shows it is not cached.
    headline = functools.cache(
        functools.partial(queries.researcher_headline, researcher, institutions)
    )
    profile_sections = sections.page_sections(researcher, page_number=request.GET.get("page"))
    owner_content = functools.cache(
        functools.partial(owner_queries.owner_content_for_page, researcher)
    )
    context = {
        "researcher": researcher,
        "institutions": institutions,
        "headline": headline,
        "canonical_url": settings.SITE_URL + researcher.get_absolute_url(),
        # Built only when the template renders it: a cached fragment skips the works query.
        "jsonld": lambda: seo.person_jsonld(
            researcher=researcher,
            institutions=institutions,
            headline=headline(),
            works=[entry.work for entry in profile_sections["works_list"].entries],
            base_url=settings.SITE_URL,
            owner_content=owner_content(),
        ),
        "page_version": page_cache.version(researcher.pk),
        "trust": trust_breakdown(researcher),
        "works_page": page,
        "owner_content": owner_content,
        "pinned_works": functools.partial(owner_queries.pinned_works_for_page, researcher),
        # Read only when the history fragment is not cached.
        "claim_history": functools.partial(claim_history, researcher),
        **profile_sections,
        **page_context.context_for(request, researcher),
        "my_open_claim": page_cache.open_claim_of(request, researcher),
    }
    response = render(request, "profiles/researcher_detail.html", context)
    response.part_context = page_cache.snapshot(researcher)
    return response
