"""The owner's edit page: headline and invitations (claims), their own words, pinned works.

One page, three forms, each posting to its own view; a refused form comes back on the same
page with its errors (400) and the other two as they are.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bzpeer.errors import DomainError
from profiles.claims import queries as claim_queries
from profiles.claims.forms import ResearcherProfileForm
from profiles.corrections.services import work_find_one

from . import queries, services
from .forms import OwnerWordsForm, PinForm, link_formset, links_of
from .models import PINS_MAX, OwnerContent


def render_edit_page(
    request,
    researcher,
    *,
    profile_form=None,
    words_form=None,
    links=None,
    pin_form=None,
    pins_error="",
    status=200,
):
    """The edit page with these forms (bound ones keep their input and errors)."""
    content = OwnerContent.objects.filter(researcher=researcher).prefetch_related("links").first()
    if profile_form is None:
        profile_form = ResearcherProfileForm(
            initial={
                "headline": researcher.headline,
                "open_to_collaborate": researcher.open_to_collaborate,
            }
        )
    if words_form is None:
        words_form = OwnerWordsForm(
            initial={
                "bio": content.bio if content else "",
                "keywords": ", ".join(content.keywords) if content else "",
            }
        )
    if links is None:
        links = link_formset(links=content.links.all() if content else ())
    pins = queries.pins_for_edit(researcher)
    context = {
        "researcher": researcher,
        "form": profile_form,
        "words_form": words_form,
        "links": links,
        "pins": pins,
        "pins_full": len(pins) >= PINS_MAX,
        "pins_max": PINS_MAX,
        "pin_form": pin_form or PinForm(),
        "pins_error": pins_error,
        "pin_suggestions": queries.pin_suggestions(researcher),
    }
    return render(request, "profiles/claims/researcher_edit.html", context, status=status)


@require_POST
@login_required
def owner_words_edit(request, pk):
    researcher = claim_queries.researcher_get_for_owner(request.user, pk)
    words_form = OwnerWordsForm(request.POST)
    links = link_formset(request.POST)
    if words_form.is_valid() and links.is_valid():
        try:
            services.owner_content_update(
                user=request.user,
                researcher=researcher,
                bio=words_form.cleaned_data["bio"],
                keywords=words_form.cleaned_data["keywords"],
                links=links_of(links),
            )
        except DomainError as exc:
            words_form.add_error(None, str(exc))
        else:
            messages.success(request, "Your words are on your profile.")
            return redirect(researcher)
    return render_edit_page(request, researcher, words_form=words_form, links=links, status=400)


@require_POST
@login_required
def pins_edit(request, pk):
    """Pin a work named by title or DOI, or unpin or move up one already pinned."""
    researcher = claim_queries.researcher_get_for_owner(request.user, pk)
    action = request.POST.get("action", "pin")
    if action == "pin":
        pin_form = PinForm(request.POST)
        if not pin_form.is_valid():
            return render_edit_page(request, researcher, pin_form=pin_form, status=400)
        try:
            work = work_find_one(pin_form.cleaned_data["work"], within=researcher)
            services.owner_pin_add(user=request.user, researcher=researcher, work_id=work.pk)
        except DomainError as exc:
            pin_form.add_error("work", str(exc))
            return render_edit_page(request, researcher, pin_form=pin_form, status=400)
        messages.success(request, f"Pinned “{work.title or 'Untitled work'}”.")
    else:
        changes = {"unpin": services.owner_pin_remove, "up": services.owner_pin_move_up}
        try:
            if action not in changes:
                raise DomainError("Choose to pin, unpin or move up a work.")
            work_id = _work_id(request.POST.get("work_id"))
            changes[action](user=request.user, researcher=researcher, work_id=work_id)
        except DomainError as exc:
            return render_edit_page(request, researcher, pins_error=str(exc), status=400)
        messages.success(request, "Unpinned." if action == "unpin" else "Moved up.")
    return redirect(reverse("claims:edit", args=[researcher.pk]) + "#pinned")


def _work_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError("Choose one of the pinned works.") from None
