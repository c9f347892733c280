from django.conf import settings
from django.shortcuts import get_object_or_404, render

from bzpeer import page_cache as shared
from works.models import Researcher

from .. import page_cache
from . import rules
from .queries import WorksList


def researcher_works(request, pk):
    """Every work of a record, to sort and filter; a plain GET form, no JavaScript needed.

    Shared by every reader of the same sort and filters, until the record or anything on the
    public record changes (a venue's new name, say). A merged record's address never reaches
    here: profiles.corrections redirects its sub-pages.
    """
    if not shared.is_shareable(request, allowed_params=None):
        return _render(request, pk)
    return shared.serve(
        request,
        name="researcher_works",
        variant=f"{pk}:{shared.query_variant(request)}",
        scopes=[*page_cache.scopes(pk), shared.RECORDS],
        render=lambda: _render(request, pk),
    )


def _render(request, pk):
    researcher = get_object_or_404(
        Researcher.objects.only("pk", "display_name", "works_count"), pk=pk
    )
    works = WorksList(
        researcher,
        request.GET,
        per_page=settings.BZPEER["PROFILE_WORKS_PER_PAGE"],
        page_number=request.GET.get("page"),
    )
    context = {"researcher": researcher, "works_list": works, "sorts": rules.SORTS.items()}
    return render(request, "profiles/works_list/page.html", context)
