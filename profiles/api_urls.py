from django.urls import path

from . import api

app_name = "profiles-api"

urlpatterns = [
    path("researchers/", api.ResearcherList.as_view(), name="researcher-list"),
    path("researchers/<int:pk>/", api.ResearcherDetail.as_view(), name="researcher-detail"),
    path("claims/", api.ClaimListCreate.as_view(), name="claim-list"),
    path("claims/<int:pk>/", api.ClaimDetail.as_view(), name="claim-detail"),
    path("claims/<int:pk>/withdraw/", api.ClaimWithdraw.as_view(), name="claim-withdraw"),
    path(
        "researchers/<int:pk>/corrections/",
        api.CorrectionList.as_view(),
        name="correction-list",
    ),
    path(
        "researchers/<int:pk>/corrections/remove/",
        api.WorkRemove.as_view(),
        name="correction-remove",
    ),
    path(
        "researchers/<int:pk>/corrections/restore/",
        api.WorkRestore.as_view(),
        name="correction-restore",
    ),
    path("researchers/<int:pk>/corrections/add/", api.WorkAdd.as_view(), name="correction-add"),
    path("researchers/<int:pk>/merge/", api.ResearcherMerge.as_view(), name="researcher-merge"),
    path(
        "researchers/<int:pk>/suggestions/",
        api.SuggestionCreate.as_view(),
        name="suggestion-create",
    ),
    path("suggestions/", api.SuggestionInbox.as_view(), name="suggestion-list"),
    path("suggestions/<int:pk>/decide/", api.SuggestionDecide.as_view(), name="suggestion-decide"),
]
