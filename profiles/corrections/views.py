"""The owner's corrections (remove, restore and add works, merge duplicates), suggestions from
anyone signed in, and the redirects of merged records.

Thin views: each starts with a permission-checked accessor, validates a small form and calls
one service in profiles.corrections. A DomainError or a refusal (PermissionDenied) becomes a
form error or a message with a 4xx status, never a 500.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bzpeer.errors import DomainError
from works.models import AuthorshipCorrection, Researcher, Work

from . import merges
from . import services as corrections
from .forms import DecisionForm, MergeForm, RemoveForm, SuggestionForm
from .models import CorrectionSuggestion


def _refused(form: forms.Form, error: Exception) -> int:
    """Put a refusal on the form; return the status to answer with."""
    form.add_error(None, str(error) or "You cannot do that.")
    return 403 if isinstance(error, PermissionDenied) else 400


# --- The owner's pages ----------------------------------------------------------------------


@login_required
def corrections_home(request, pk):
    """The owner's corrections of one record: its works, what was removed and added."""
    researcher = corrections.researcher_get_for_owner(request.user, pk)
    works = Work.objects.for_researcher(researcher)
    page = Paginator(works, settings.BZPEER["PROFILE_WORKS_PER_PAGE"]).get_page(
        request.GET.get("page")
    )
    fixed = list(
        AuthorshipCorrection.objects.filter(researcher=researcher)
        .select_related("work")
        .order_by("-created_at", "-id")
    )
    others = request.user.owned_researchers.exclude(pk=researcher.pk).order_by("display_name", "id")
    context = {
        "researcher": researcher,
        "works_page": page,
        "removed": [c for c in fixed if c.kind == AuthorshipCorrection.Kind.REMOVED],
        "asserted": [c for c in fixed if c.kind == AuthorshipCorrection.Kind.ASSERTED],
        "other_records": list(others),
        "pending": corrections.suggestions_to_decide(request.user).filter(researcher=researcher),
    }
    return render(request, "profiles/corrections/home.html", context)


@login_required
def work_remove(request, pk, work_id):
    researcher = corrections.researcher_get_for_owner(request.user, pk)
    work = get_object_or_404(Work, pk=work_id, pk__in=researcher.authorships.values("work_id"))
    form = RemoveForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            corrections.work_remove(
                user=request.user, researcher=researcher, work=work, **form.cleaned_data
            )
        except (DomainError, PermissionDenied) as error:
            status = _refused(form, error)
        else:
            messages.success(request, f"“{work}” is off your record, and stays off after imports.")
            return redirect("corrections:home", pk=researcher.pk)
    elif form.errors:
        status = 400
    return render(
        request,
        "profiles/corrections/remove.html",
        {"researcher": researcher, "work": work, "form": form},
        status=status,
    )


@login_required
@require_POST
def work_restore(request, pk, work_id):
    researcher = corrections.researcher_get_for_owner(request.user, pk)
    work = get_object_or_404(Work, pk=work_id)
    try:
        corrections.work_restore(user=request.user, researcher=researcher, work=work)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{work}” is back on your record.")
    return redirect("corrections:home", pk=researcher.pk)


@login_required
def work_add(request, pk):
    """Find a work BZPEER holds by DOI or title (GET ?q=), and add it (POST work=<id>)."""
    researcher = corrections.researcher_get_for_owner(request.user, pk)
    query = request.GET.get("q", "").strip()[:500]
    status = 200
    if request.method == "POST":
        work = Work.objects.filter(pk=_int(request.POST.get("work"))).first()
        if work is None:
            messages.error(request, "Choose a work from the search results.")
            status = 400
        else:
            try:
                corrections.work_add(user=request.user, researcher=researcher, work=work)
            except DomainError as error:
                messages.error(request, str(error))
                status = 400
            else:
                messages.success(request, f"“{work}” is on your record, marked as added by you.")
                return redirect("corrections:home", pk=researcher.pk)
    found = corrections.works_find(query) if query else []
    on_record = set(researcher.authorships.filter(work__in=found).values_list("work_id", flat=True))
    return render(
        request,
        "profiles/corrections/add.html",
        {"researcher": researcher, "query": query, "found": found, "on_record": on_record},
        status=status,
    )


@login_required
def merge(request, pk):
    """Merge two records the owner owns; ?other=<id> preselects the duplicate."""
    researcher = corrections.researcher_get_for_owner(request.user, pk)
    owned = list(
        request.user.owned_researchers.exclude(pk=researcher.pk).order_by("display_name", "id")
    )
    form = MergeForm(
        request.POST or None, owned=owned, initial={"other": _int(request.GET.get("other"))}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        other = Researcher.objects.filter(pk=form.cleaned_data["other"]).first()
        if other is None:
            form.add_error("other", "No such record.")
            status = 400
        else:
            keep_this = form.cleaned_data["keep"] == "this"
            source, target = (other, researcher) if keep_this else (researcher, other)
            try:
                survivor = merges.researcher_merge(user=request.user, source=source, target=target)
            except (DomainError, PermissionDenied) as error:
                status = _refused(form, error)
            else:
                messages.success(
                    request, "The two records are one now; the old address redirects here."
                )
                return redirect(survivor)
    elif form.errors:
        status = 400
    return render(
        request,
        "profiles/corrections/merge.html",
        {"researcher": researcher, "form": form, "owned": owned},
        status=status,
    )


# --- Suggestions ----------------------------------------------------------------------------


@login_required
def suggest(request, pk):
    researcher = corrections.researcher_get_for_suggestion(request.user, pk)
    form = SuggestionForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            work = None
            if data["kind"] != CorrectionSuggestion.Kind.OTHER:
                within = (
                    researcher if data["kind"] == CorrectionSuggestion.Kind.REMOVE_WORK else None
                )
                work = corrections.work_find_one(data["work"], within=within)
            corrections.suggestion_submit(
                user=request.user,
                researcher=researcher,
                kind=data["kind"],
                work=work,
                message=data["message"],
            )
        except (DomainError, PermissionDenied) as error:
            status = _refused(form, error)
        else:
            who = "its owner" if researcher.owner_id else "the moderators"
            messages.success(request, f"Thank you. Your suggestion went to {who}.")
            return redirect(researcher)
    elif form.errors:
        status = 400
    return render(
        request,
        "profiles/corrections/suggest.html",
        {"researcher": researcher, "form": form},
        status=status,
    )


@login_required
def suggestions(request):
    """Suggestions waiting for this person's decision, and the ones they sent."""
    to_decide = corrections.suggestions_to_decide(request.user)[:50]
    sent = request.user.correction_suggestions.select_related("researcher", "work").order_by(
        "-created_at", "-id"
    )[:50]
    return render(
        request,
        "profiles/corrections/suggestions.html",
        {"to_decide": to_decide, "sent": sent},
    )


@login_required
@require_POST
def suggestion_decide(request, suggestion_id, action):
    suggestion = corrections.suggestion_get_for_decider(request.user, suggestion_id)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        corrections.suggestion_decide(
            user=request.user, suggestion=suggestion, accept=action == "accept", note=note
        )
    except (DomainError, PermissionDenied) as error:
        messages.error(request, f"Suggestion {suggestion.pk}: {error}")
    else:
        done = "accepted" if action == "accept" else "rejected"
        messages.success(request, f"Suggestion {suggestion.pk} on {suggestion.researcher}: {done}.")
    return redirect("corrections:suggestions")


# --- Merged records redirect ----------------------------------------------------------------


def merged_redirect(request, pk, rest, api=False):
    """A merged record's sub-page, or API URL, answers with the survivor's (pk is the survivor:
    the URL converter resolved it)."""
    path = f"/{'api/' if api else ''}researchers/{pk}/{rest}"
    query = request.META.get("QUERY_STRING", "")
    location = f"{path}?{query}" if query else path
    # 301 as asked for reading; a form or script posting to the old address keeps its method.
    if request.method in ("GET", "HEAD"):
        return HttpResponsePermanentRedirect(location)
    response = HttpResponseRedirect(location)
    response.status_code = 308
    return response


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
