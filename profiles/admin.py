from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse

from bzpeer.errors import DomainError
from bzpeer.permissions import is_moderator

from .claims import disputes
from .claims import services as claims
from .models import Claim, ClaimEvent, Dispute, User

admin.site.register(User, UserAdmin)


class ModeratorAdminMixin:
    """Moderators (staff) read claims and act through the actions, which call profiles.claims;
    nobody edits the rows by hand. Actions need only the view permission."""

    def has_module_permission(self, request):
        return is_moderator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_moderator(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=claims.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))


def _run(modeladmin, request, queryset, action, **kwargs):
    done = 0
    for obj in queryset:
        try:
            action(moderator=request.user, **{_kwarg(obj): obj}, **kwargs)
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{done} done.", messages.SUCCESS)


def _kwarg(obj):
    return "claim" if isinstance(obj, Claim) else "dispute"


def _with_reason(name: str, title: str, action, **kwargs):
    """An admin action that first asks for the reason the claimant will read."""

    def run(modeladmin, request, queryset):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                _run(modeladmin, request, queryset, action, **kwargs, **_reason(form, action))
                return None
        else:
            form = ReasonForm()
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "objects": queryset,
            "form": form,
            "action_name": request.POST["action"],
            "opts": modeladmin.model._meta,
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "profiles/claims/admin_reason.html", context)

    run.__name__ = name  # the admin tells actions apart by name
    return run


def _reason(form, action):
    key = "note" if action is disputes.dispute_resolve else "reason"
    return {key: form.cleaned_data["reason"]}


@admin.action(description="Approve (L2)")
def approve(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, claims.claim_approve)


@admin.action(description="Verify (L3)")
def verify(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, claims.claim_verify)


reject = admin.action(description="Reject, with a reason")(
    _with_reason("reject", "Reject claims", claims.claim_reject)
)
revoke = admin.action(description="Revoke, with a reason")(
    _with_reason("revoke", "Revoke claims", claims.claim_revoke)
)
uphold = admin.action(description="Uphold (revokes the claim), with a note")(
    _with_reason("uphold", "Uphold disputes", disputes.dispute_resolve, upheld=True)
)
dismiss = admin.action(description="Dismiss, with a note")(
    _with_reason("dismiss", "Dismiss disputes", disputes.dispute_resolve, upheld=False)
)


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    fields = ["created_at", "kind", "actor_role", "actor", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(ModeratorAdminMixin, admin.ModelAdmin):
    list_display = ["researcher", "user", "email", "status", "matched_institution", "created_at"]
    list_filter = ["status"]
    search_fields = ["researcher__display_name", "user__email", "email"]
    list_select_related = ["researcher", "user", "matched_institution"]
    readonly_fields = [
        "researcher",
        "user",
        "status",
        "email",
        "orcid",
        "url",
        "note",
        "email_confirmed_at",
        "token_expires_at",
        "matched_institution",
        "decided_by",
        "decided_at",
        "decision_reason",
        "created_at",
    ]
    exclude = ["token_hash"]
    inlines = [ClaimEventInline]
    actions = [approve, verify, reject, revoke]


@admin.register(Dispute)
class DisputeAdmin(ModeratorAdminMixin, admin.ModelAdmin):
    list_display = ["researcher", "user", "status", "created_at", "resolved_at"]
    list_filter = ["status"]
    search_fields = ["researcher__display_name", "user__email"]
    list_select_related = ["researcher", "user"]
    readonly_fields = [
        "researcher",
        "claim",
        "user",
        "reason",
        "status",
        "resolved_by",
        "resolved_at",
        "resolution_note",
        "created_at",
    ]
    actions = [uphold, dismiss]
