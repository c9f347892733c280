from django.urls import path, re_path

from . import views as claim_views

app_name = "claims"

urlpatterns = [
    path("researchers/<int:pk>/claim/", claim_views.claim_create, name="create"),
    path("researchers/<int:pk>/dispute/", claim_views.dispute_create, name="dispute"),
    path("researchers/<int:pk>/edit/", claim_views.researcher_edit, name="edit"),
    path("claims/confirm/<str:token>/", claim_views.claim_confirm, name="confirm"),
    path("claims/<int:claim_id>/", claim_views.claim_detail, name="detail"),
    path("claims/<int:claim_id>/withdraw/", claim_views.claim_withdraw, name="withdraw"),
    path("claims/<int:claim_id>/resend/", claim_views.claim_resend, name="resend"),
    path("me/profiles/", claim_views.mine, name="mine"),
    path("moderation/claims/", claim_views.moderation_queue, name="moderation"),
    re_path(
        r"^moderation/claims/(?P<claim_id>\d+)/(?P<action>approve|verify|reject|revoke)/$",
        claim_views.moderation_claim_action,
        name="moderate_claim",
    ),
    re_path(
        r"^moderation/disputes/(?P<dispute_id>\d+)/(?P<action>uphold|dismiss)/$",
        claim_views.moderation_dispute_action,
        name="moderate_dispute",
    ),
]
