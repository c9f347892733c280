from django.urls import path, re_path

from . import views

app_name = "collaboration"

urlpatterns = [
    path("researchers/<int:pk>/follow/", views.follow, name="follow"),
    path("following/", views.following, name="following"),
    path("following/digest/", views.digest_preference, name="digest"),
    path("researchers/<int:pk>/invite/", views.invite_create, name="invite_create"),
    path("invites/", views.inbox, name="inbox"),
    path("invites/<int:invite_id>/", views.invite_detail, name="invite"),
    re_path(
        r"^invites/(?P<invite_id>\d+)/(?P<action>accept|decline)/$",
        views.invite_answer,
        name="invite_answer",
    ),
    path("invites/<int:invite_id>/block/", views.invite_block, name="invite_block"),
    path("blocks/<int:block_id>/delete/", views.block_delete, name="block_delete"),
    path(
        "conversations/<int:conversation_id>/",
        views.conversation_detail,
        name="conversation",
    ),
    path(
        "conversations/<int:conversation_id>/archive/",
        views.conversation_archive,
        name="conversation_archive",
    ),
    path("invites/<int:invite_id>/report/", views.invite_report, name="invite_report"),
    path("messages/<int:message_id>/report/", views.message_report, name="message_report"),
    path("moderation/reports/", views.report_queue, name="reports"),
    path("moderation/reports/<int:report_id>/", views.report_detail, name="report"),
    re_path(
        r"^moderation/reports/(?P<report_id>\d+)/(?P<action>dismiss|block)/$",
        views.report_resolve,
        name="report_resolve",
    ),
]
