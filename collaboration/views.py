from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from profiles.models import Researcher
from works.models import Work

from . import services
from .models import Follow


@require_POST
@login_required
def follow(request, pk):
    researcher = get_object_or_404(Researcher, pk=pk)
    if request.POST.get("action") == "unfollow":
        services.follow_delete(user=request.user, researcher=researcher)
    else:
        services.follow_create(user=request.user, researcher=researcher)
    researcher.refresh_from_db(fields=["followers_count", "trust_score"])
    if request.headers.get("HX-Request"):
        # htmx swaps the actions section in place; the follower count in the snapshot too.
        return render(
            request,
            "collaboration/_follow.html",
            {
                "researcher": researcher,
                "is_following": _is_following(request.user, researcher),
                "oob": True,
            },
        )
    return redirect(researcher)


def _is_following(user, researcher) -> bool:
    return Follow.objects.filter(user=user, researcher=researcher).exists()


@login_required
def following(request):
    follows = Follow.objects.for_user(request.user)
    feed = Work.objects.filter(authorships__researcher__follows__user=request.user).distinct()
    feed = feed.select_related("source").order_by("-publication_date", "-publication_year", "-id")
    page = Paginator(feed, settings.BZPEER["PROFILE_WORKS_PER_PAGE"]).get_page(
        request.GET.get("page")
    )
    return render(request, "collaboration/following.html", {"follows": follows, "works_page": page})
