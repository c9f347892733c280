from django.urls import path

from . import api

app_name = "collaboration-api"

urlpatterns = [
    path("researchers/<int:pk>/follow/", api.FollowView.as_view(), name="follow"),
    path("invites/", api.InviteListCreate.as_view(), name="invite-list"),
    path("invites/<int:pk>/", api.InviteDetail.as_view(), name="invite-detail"),
    path(
        "invites/<int:pk>/accept/",
        api.InviteAnswer.as_view(action="accept"),
        name="invite-accept",
    ),
    path(
        "invites/<int:pk>/decline/",
        api.InviteAnswer.as_view(action="decline"),
        name="invite-decline",
    ),
    path(
        "conversations/<int:pk>/messages/",
        api.ConversationMessages.as_view(),
        name="conversation-messages",
    ),
    path("invites/<int:pk>/report/", api.InviteReport.as_view(), name="invite-report"),
    path("messages/<int:pk>/report/", api.MessageReport.as_view(), name="message-report"),
]
