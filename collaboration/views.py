from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bzpeer.errors import DomainError
from bzpeer.permissions import require_moderator
from works.models import Authorship, Researcher, Work

from . import invites, ratelimit, reports, services
from .forms import InviteForm, MessageForm, ReportForm
from .models import Conversation, DigestPreference, Follow, Invite, Report

# Rows per list on the inbox page, and messages shown on a conversation page (the newest).
INBOX_SIZE = 50
THREAD_SIZE = 200
CLAIM_FIRST = "Claim this author entity first to unlock direct invitations."


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
    # Each item says whose work it is: the followed people on its byline (one query a page).
    followed = Authorship.objects.filter(researcher__follows__user=request.user)
    feed = (
        feed.select_related("source")
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=followed.select_related("researcher").order_by("order", "id"),
                to_attr="followed_authorships",
            )
        )
        .order_by("-publication_date", "-publication_year", "-id")
    )
    page = Paginator(feed, settings.BZPEER["PROFILE_WORKS_PER_PAGE"]).get_page(
        request.GET.get("page")
    )
    digest_on = DigestPreference.objects.filter(user=request.user, weekly_digest=True).exists()
    return render(
        request,
        "collaboration/following.html",
        {"follows": follows, "works_page": page, "digest_on": digest_on},
    )


@require_POST
@login_required
def digest_preference(request):
    weekly = request.POST.get("weekly_digest") == "on"
    services.digest_preference_set(user=request.user, weekly=weekly)
    if weekly:
        messages.success(
            request, "You will get a weekly email of new works from people you follow."
        )
    else:
        messages.success(request, "You will no longer get the weekly email.")
    return redirect("collaboration:following")


# --- Invites --------------------------------------------------------------------------------


def _why_no_invite(user, researcher) -> str:
    """Why this record takes no invitation from this person; empty when it may."""
    if researcher.owner_id is None:
        return CLAIM_FIRST
    if researcher.owner_id == user.pk:
        return "This is your own record: invitations to you arrive in your inbox."
    if not researcher.open_to_collaborate:
        return "This researcher is not taking collaboration invitations right now."
    return ""


@login_required
def invite_create(request, pk):
    researcher = get_object_or_404(Researcher, pk=pk)
    form = InviteForm(
        request.POST or None,
        topics=invites.recipient_topics(researcher),
        works=invites.recipient_works(researcher),
    )
    status = 200
    if request.method == "POST":
        if ratelimit.invite_attempt_limited(request.user):
            form.add_error(None, "Too many attempts in a short time. Wait a minute and try again.")
            status = 429
        elif form.is_valid():
            try:
                invite = invites.invite_send(
                    sender=request.user, researcher=researcher, **form.invite_fields()
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Your invitation to {researcher} is sent.")
                return redirect(invite)
        if status == 200 and form.errors:
            status = 400
    context = {
        "researcher": researcher,
        "form": form,
        "reason": _why_no_invite(request.user, researcher),
        "email_confirmed": invites.has_confirmed_email(request.user),
    }
    return render(request, "collaboration/invite_form.html", context, status=status)


@login_required
def inbox(request):
    user = request.user
    show_archived = request.GET.get("archived") == "1"
    threads = Conversation.objects.for_list().order_by("-last_activity_at", "-id")
    threads = threads.archived_for(user) if show_archived else threads.active_for(user)
    context = {
        "received": Invite.objects.for_list().filter(recipient=user)[:INBOX_SIZE],
        "sent": Invite.objects.for_list().filter(sender=user)[:INBOX_SIZE],
        "conversations": threads[:INBOX_SIZE],
        "show_archived": show_archived,
        "blocks": user.blocks_made.select_related("blocked").prefetch_related(
            "blocked__owned_researchers"
        )[:INBOX_SIZE],
    }
    return render(request, "collaboration/inbox.html", context)


@login_required
def invite_detail(request, invite_id):
    invite = invites.invite_get_for_user(request.user, invite_id)
    invites.invite_mark_read(invite=invite, user=request.user)
    return render(request, "collaboration/invite_detail.html", {"invite": invite})


@require_POST
@login_required
def invite_answer(request, invite_id, action):
    invite = invites.invite_get_for_user(request.user, invite_id)
    try:
        if action == "accept":
            conversation = invites.invite_accept(invite=invite, user=request.user)
        else:  # decline; the URL pattern allows nothing else
            invites.invite_decline(invite=invite, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(invite)
    if action == "accept":
        messages.success(request, "Invitation accepted: write your first message below.")
        return redirect(conversation)
    messages.success(request, "Invitation declined.")
    return redirect("collaboration:inbox")


@require_POST
@login_required
def invite_block(request, invite_id):
    invite = invites.invite_get_for_user(request.user, invite_id)
    if invite.recipient_id != request.user.pk:
        messages.error(request, "Only the person invited can block its sender.")
        return redirect(invite)
    invites.block_create(blocker=request.user, blocked=invite.sender)
    messages.success(request, f"{invite.sender_name} cannot send you invitations any more.")
    return redirect("collaboration:inbox")


@require_POST
@login_required
def block_delete(request, block_id):
    block = get_object_or_404(request.user.blocks_made, pk=block_id)
    invites.block_delete(blocker=request.user, blocked=block.blocked)
    messages.success(request, "Unblocked: this person can invite you again.")
    return redirect("collaboration:inbox")


@login_required
def conversation_detail(request, conversation_id):
    conversation = invites.conversation_get_for_user(request.user, conversation_id)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invites.conversation_message_send(
                conversation=conversation, author=request.user, body=form.cleaned_data["body"]
            )
        except DomainError as exc:
            form.add_error("body", str(exc))
        else:
            return redirect(
                reverse("collaboration:conversation", args=[conversation.pk]) + "#reply"
            )
    invites.conversation_mark_read(conversation=conversation, user=request.user)
    newest = conversation.messages.order_by("-created_at", "-id")[:THREAD_SIZE]
    context = {
        "conversation": conversation,
        "invite": conversation.invite,
        "thread": [(m, conversation.name_of(m.author_id)) for m in reversed(newest)],
        "form": form,
        "archived": conversation.is_archived_for(request.user),
    }
    status = 400 if form.errors else 200
    return render(request, "collaboration/conversation.html", context, status=status)


@require_POST
@login_required
def conversation_archive(request, conversation_id):
    conversation = invites.conversation_get_for_user(request.user, conversation_id)
    archived = request.POST.get("action") != "restore"
    invites.conversation_archive(conversation=conversation, user=request.user, archived=archived)
    if archived:
        messages.success(request, "Conversation archived. It is back when a new message arrives.")
        return redirect("collaboration:inbox")
    messages.success(request, "Conversation restored to your inbox.")
    return redirect(conversation)


# --- Reports --------------------------------------------------------------------------------


@login_required
def invite_report(request, invite_id):
    invite = invites.invite_get_for_user(request.user, invite_id)
    return _report_page(request, invite=invite, back=invite.get_absolute_url())


@login_required
def message_report(request, message_id):
    message = reports.message_get_for_user(request.user, message_id)
    invite = message.conversation.invite
    back = reverse("collaboration:conversation", args=[message.conversation_id])
    return _report_page(request, invite=invite, message=message, back=back)


def _report_page(request, *, invite, back, message=None):
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reports.report_submit(
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                invite=None if message else invite,
                message=message,
            )
        except DomainError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, "Thank you. A moderator will look at what you reported.")
            return redirect(back)
    context = {
        "invite": invite,
        "message": message,
        "form": form,
        "back": back,
        "reportable": reports.reportable_by(request.user, invite=invite, message=message),
    }
    status = 400 if form.errors else 200
    return render(request, "collaboration/report_form.html", context, status=status)


@login_required
def report_queue(request):
    require_moderator(request.user)
    context = {
        "open_reports": Report.objects.open().for_queue().order_by("created_at", "id")[:INBOX_SIZE],
        "resolved": Report.objects.exclude(status=Report.Status.OPEN)
        .for_queue()
        .order_by("-resolved_at", "-id")[:INBOX_SIZE],
    }
    return render(request, "collaboration/report_queue.html", context)


@login_required
def report_detail(request, report_id):
    report = reports.report_get_for_moderator(request.user, report_id)
    invite = report.invite
    conversation = getattr(invite, "conversation", None)
    thread = reports.reported_thread(report, THREAD_SIZE)
    context = {
        "report": report,
        "invite": invite,
        "conversation": conversation,
        "thread": [(m, conversation.name_of(m.author_id)) for m in thread],
        "offender_name": (
            conversation.name_of(report.offender_id) if conversation else invite.sender_name
        ),
    }
    return render(request, "collaboration/report_detail.html", context)


@require_POST
@login_required
def report_resolve(request, report_id, action):
    report = reports.report_get_for_moderator(request.user, report_id)
    try:
        if action == "block":
            reports.report_block_sender(report=report, moderator=request.user)
        else:  # dismiss; the URL pattern allows nothing else
            reports.report_dismiss(report=report, moderator=request.user)
    except DomainError as exc:
        messages.error(request, f"Report {report.pk}: {exc}")
    else:
        outcome = "the sender is blocked" if action == "block" else "dismissed"
        messages.success(request, f"Report {report.pk}: {outcome}.")
    return redirect("collaboration:reports")
