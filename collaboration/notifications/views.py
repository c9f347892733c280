from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import mail, services
from .models import Notification

PER_PAGE = 25


@login_required
def notification_list(request):
    notifications = Notification.objects.for_list(request.user)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "message_email": mail.message_email_on(request.user),
        "email_address": request.user.email,
    }
    return render(request, "collaboration/notifications/list.html", context)


@login_required
def notification_open(request, notification_id):
    """Follow a notification to what it is about; it counts as read."""
    notification = services.notification_get_for_user(request.user, notification_id)
    services.notification_mark_read(notification=notification, user=request.user)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:list")  # only ever a path on this site
    return redirect(notification.url)


@require_POST
@login_required
def notification_read(request, notification_id):
    notification = services.notification_get_for_user(request.user, notification_id)
    services.notification_mark_read(notification=notification, user=request.user)
    return redirect(_back_to_list(request))


@require_POST
@login_required
def notifications_read_all(request):
    marked = services.notifications_mark_all_read(user=request.user)
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect("notifications:list")


@require_POST
@login_required
def notification_settings(request):
    enabled = request.POST.get("message_email") == "on"
    services.message_email_set(user=request.user, enabled=enabled)
    if enabled:
        messages.success(request, "We will email you when someone writes to you.")
    else:
        messages.success(request, "We will no longer email you when someone writes to you.")
    return redirect("notifications:list")


@csrf_exempt  # mail programs POST here without a session (RFC 8058); the signed link is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The message email's one-click unsubscribe: GET asks, POST turns the email off."""
    user = mail.user_for_unsubscribe_token(token)
    if user is None:
        return render(
            request, "collaboration/notifications/unsubscribe.html", {"invalid": True}, status=400
        )
    done = request.method == "POST"
    if done:
        services.message_email_set(user=user, enabled=False)
    context = {"done": done, "token": token, "email_address": _masked(user.email)}
    return render(request, "collaboration/notifications/unsubscribe.html", context)


def _masked(address: str) -> str:
    """ "a…@example.org": enough to recognise one's address, not to learn someone else's."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else ""


def _back_to_list(request) -> str:
    url = reverse("notifications:list")
    page = request.POST.get("page", "")
    return f"{url}?page={page}" if page.isdigit() else url
