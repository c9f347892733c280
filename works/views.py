from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import get_object_or_404, render

from bzpeer.page_cache import public_page
from bzpeer.permissions import require_moderator

from . import queries
from .models import (
    AuthorshipInstitution,
    ImportRun,
    Institution,
    Researcher,
    SyncState,
    Topic,
    Work,
)

IMPORT_RUNS_SHOWN = 20
IMPORT_PARTS_PER_PAGE = 100


@public_page("work_detail")
def work_detail(request, pk):
    # A bounded byline and bounded link lists: the page costs the same for 2 or 3,000 authors.
    work = get_object_or_404(Work.objects.select_related("source"), pk=pk)
    context = {
        "work": work,
        "byline": queries.work_byline(work),
        "topics": list(work.topics.all()),
        "references": queries.work_references(work),
        "citing": queries.work_citing(work),
    }
    return render(request, "works/work_detail.html", context)


@public_page("work_authors")
def work_authors(request, pk):
    """Every author of a work, a page of them at a time, in byline order."""
    work = get_object_or_404(Work, pk=pk)
    paginator = Paginator(queries.authorships_in_order(work), queries.AUTHORS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "works/work_authors.html", {"work": work, "page": page})


@public_page("topic_detail")
def topic_detail(request, pk):
    topic = get_object_or_404(Topic, pk=pk)
    # The stored researcher-topic links: no join through every authorship of the topic's works.
    researchers = Researcher.objects.live().filter(topic_links__topic=topic)
    works = Work.objects.filter(work_topics__topic=topic).select_related("source")
    return render(
        request,
        "works/topic_detail.html",
        {
            "topic": topic,
            "researchers": researchers.ranked()[:50],
            "works_page": _page(request, works.order_by("-publication_year", "-id")),
        },
    )


@public_page("institution_detail")
def institution_detail(request, pk):
    institution = get_object_or_404(Institution, pk=pk)
    # Everyone known there, from author records and bylines alike.
    researchers = Researcher.objects.live().filter(affiliations__institution=institution)
    works = Work.objects.filter(
        pk__in=AuthorshipInstitution.objects.filter(institution=institution).values(
            "authorship__work_id"
        )
    )
    return render(
        request,
        "works/institution_detail.html",
        {
            "institution": institution,
            "researchers": researchers.ranked()[:50],
            "works_page": _page(
                request, works.select_related("source").order_by("-publication_year", "-id")
            ),
        },
    )


def _page(request, queryset):
    paginator = Paginator(queryset, settings.BZPEER["PROFILE_WORKS_PER_PAGE"])
    return paginator.get_page(request.GET.get("page"))


@login_required
def import_runs(request):
    """Staff: the latest snapshot runs with their progress, and where each sync stands."""
    require_moderator(request.user)
    context = {
        "runs": ImportRun.objects.with_progress()[:IMPORT_RUNS_SHOWN],
        "syncs": SyncState.objects.order_by("source"),
    }
    return render(request, "works/import_runs.html", context)


@login_required
def import_run_detail(request, pk):
    """Staff: one run's parts, the failed ones first, a page at a time."""
    require_moderator(request.user)
    run = get_object_or_404(ImportRun.objects.with_progress(), pk=pk)
    parts = run.parts.order_by(
        models.Case(models.When(state="failed", then=0), default=1), "phase", "path"
    )
    page = Paginator(parts, IMPORT_PARTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "works/import_run_detail.html", {"run": run, "page": page})
