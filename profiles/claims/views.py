"""Claim, confirm, withdraw, dispute, the owner's controls and the moderation queue.

Thin views: each starts with a permission-checked accessor, validates a form and calls one
service in profiles.claims; a DomainError becomes a message for the person, never a 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bzpeer.errors import DomainError
from bzpeer.permissions import is_moderator
from works.models import Researcher

from ..owner_content import views as owner_content_views
from . import disputes, queries
from . import services as claims
from .forms import ClaimForm, DisputeForm, ReasonForm, ResearcherProfileForm
from .models import Claim, Dispute

QUEUE_SIZE = 50


def _moderator_required(view):
    """Anonymous people are sent to log in; signed-in non-moderators get a 403."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_moderator(request.user):
            raise PermissionDenied("Only moderators can do that.")
        return view(request, *args, **kwargs)

    return wrapped


@login_required
def claim_create(request, pk):
    researcher = get_object_or_404(Researcher, pk=pk)
    if researcher.owner_id == request.user.pk:
        messages.info(request, "This is already your profile.")
        return redirect("claims:mine")
    open_claim = researcher.claims.filter(user=request.user, status__in=Claim.OPEN).first()
    if open_claim is not None:
        messages.info(request, "You already have a claim on this record in progress.")
        return redirect(open_claim)
    form = ClaimForm(request.POST or None, initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            claim = claims.claim_submit(
                user=request.user, researcher=researcher, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"We sent a confirmation link to {claim.email}. "
                f"Open it within {claims.CONFIRMATION_TTL.days} days to go on.",
            )
            return redirect(claim)
    status = 400 if form.errors else 200
    return render(
        request,
        "profiles/claims/claim_form.html",
        {"researcher": researcher, "form": form},
        status=status,
    )


def claim_confirm(request, token):
    """GET shows what is being confirmed; only the POST uses the link (mail scanners GET)."""
    claim = queries.claim_for_token(token)
    if request.method == "POST":
        try:
            claim = claims.claim_confirm_email(token=token)
        except DomainError as exc:
            return render(request, "profiles/claims/confirm.html", {"error": str(exc)}, status=400)
        messages.success(request, _confirmed_message(claim))
        return redirect(claim.researcher)
    if claim is None:
        error = "This confirmation link is not valid or has already been used."
        return render(request, "profiles/claims/confirm.html", {"error": error}, status=400)
    return render(request, "profiles/claims/confirm.html", {"claim": claim})


def _confirmed_message(claim: Claim) -> str:
    if claim.status == Claim.Status.VERIFIED:
        return (
            "Your address is confirmed and you signed in with this record's ORCID iD: "
            "the record is now yours (Verified, L3)."
        )
    if claim.is_owning:
        return (
            "Your address is confirmed, it belongs to an institution on the record and your "
            "name is the record's: the record is now yours (Claimed, L2)."
        )
    if claim.matched_institution_id:
        return (
            "Your address is confirmed and belongs to an institution on the record, but your "
            "account's name is not the record's name, so a moderator will review your claim."
        )
    return "Your address is confirmed. A moderator will review your claim."


@login_required
def claim_detail(request, claim_id):
    claim = queries.claim_get_for_user(request.user, claim_id)
    events = claim.events.order_by("created_at", "id")
    return render(request, "profiles/claims/claim_detail.html", {"claim": claim, "events": events})


@login_required
@require_POST
def claim_withdraw(request, claim_id):
    claim = queries.claim_get_for_user(request.user, claim_id)
    try:
        claims.claim_withdraw(claim=claim, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Your claim is withdrawn.")
    return redirect(claim)


@login_required
@require_POST
def claim_resend(request, claim_id):
    claim = queries.claim_get_for_user(request.user, claim_id)
    try:
        claim = claims.claim_resend_confirmation(claim=claim, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"We sent a new confirmation link to {claim.email}.")
    return redirect(claim)


@login_required
def dispute_create(request, pk):
    researcher = get_object_or_404(Researcher, pk=pk)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disputes.dispute_submit(
                user=request.user, researcher=researcher, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "Thank you. The moderators will look at this; the record is unchanged."
            )
            return redirect(researcher)
    return render(
        request,
        "profiles/claims/dispute_form.html",
        {"researcher": researcher, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def researcher_edit(request, pk):
    researcher = queries.researcher_get_for_owner(request.user, pk)
    form = ResearcherProfileForm(
        request.POST or None,
        initial={
            "headline": researcher.headline,
            "open_to_collaborate": researcher.open_to_collaborate,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            claims.researcher_profile_update(
                researcher=researcher, user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your profile is updated.")
            return redirect(researcher)
    # The page also holds the owner's own words and pinned works (profiles.owner_content).
    return owner_content_views.render_edit_page(
        request, researcher, profile_form=form, status=400 if form.errors else 200
    )


@login_required
def mine(request):
    """This is your profile: the records you own and what is still pending."""
    owned = list(request.user.owned_researchers.order_by("display_name", "id"))
    my_claims = request.user.claims.select_related("researcher").order_by("-created_at")[:50]
    open_disputes = (
        Dispute.objects.filter(researcher__owner=request.user, status=Dispute.Status.OPEN)
        .select_related("researcher")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "profiles/claims/mine.html",
        {"owned": owned, "claims": my_claims, "open_disputes": open_disputes},
    )


@_moderator_required
def moderation_queue(request):
    awaiting = (
        Claim.objects.filter(status=Claim.Status.AWAITING_MODERATOR)
        .select_related("researcher", "user", "matched_institution")
        .order_by("created_at")[:QUEUE_SIZE]
    )
    owning = (
        Claim.objects.filter(status__in=Claim.OWNING)
        .select_related("researcher", "user")
        .order_by("-decided_at", "-id")[:QUEUE_SIZE]
    )
    disputes = (
        Dispute.objects.filter(status=Dispute.Status.OPEN)
        .select_related("researcher", "user")
        .order_by("created_at")[:QUEUE_SIZE]
    )
    return render(
        request,
        "profiles/claims/moderation.html",
        {"awaiting": awaiting, "owning": owning, "disputes": disputes},
    )


@_moderator_required
@require_POST
def moderation_claim_action(request, claim_id, action):
    claim = queries.claim_get_for_moderator(request.user, claim_id)
    form = ReasonForm(request.POST)
    try:
        if action == "approve":
            claims.claim_approve(claim=claim, moderator=request.user)
        elif action == "verify":
            claims.claim_verify(claim=claim, moderator=request.user)
        else:  # reject or revoke; the URL pattern allows nothing else
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            service = claims.claim_reject if action == "reject" else claims.claim_revoke
            service(claim=claim, moderator=request.user, reason=reason)
    except DomainError as exc:
        messages.error(request, f"Claim {claim.pk}: {exc}")
    else:
        messages.success(request, f"Claim {claim.pk} on {claim.researcher}: done ({action}).")
    return redirect(reverse("claims:moderation"))


@_moderator_required
@require_POST
def moderation_dispute_action(request, dispute_id, action):
    dispute = queries.dispute_get_for_moderator(request.user, dispute_id)
    form = ReasonForm(request.POST)
    note = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        disputes.dispute_resolve(
            dispute=dispute, moderator=request.user, upheld=action == "uphold", note=note
        )
    except DomainError as exc:
        messages.error(request, f"Dispute {dispute.pk}: {exc}")
    else:
        outcome = "upheld" if action == "uphold" else "dismissed"
        messages.success(request, f"Dispute {dispute.pk} on {dispute.researcher}: {outcome}.")
    return redirect(reverse("claims:moderation"))
