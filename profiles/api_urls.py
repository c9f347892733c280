from django.urls import path

from . import api
from .claims import api as claims_api
from .corrections import api as corrections_api

app_name = "profiles-api"

urlpatterns = [
    path("researchers/", api.ResearcherList.as_view(), name="researcher-list"),
    path("researchers/<int:pk>/", api.ResearcherDetail.as_view(), name="researcher-detail"),
    path("claims/", claims_api.ClaimListCreate.as_view(), name="claim-list"),
    path("claims/<int:pk>/", claims_api.ClaimDetail.as_view(), name="claim-detail"),
    path("claims/<int:pk>/withdraw/", claims_api.ClaimWithdraw.as_view(), name="claim-withdraw"),
    path(
        "researchers/<int:pk>/corrections/",
        corrections_api.CorrectionList.as_view(),
        name="correction-list",
    ),
    path(
        "researchers/<int:pk>/corrections/remove/",
        corrections_api.WorkRemove.as_view(),
        name="correction-remove",
    ),
    path(
        "researchers/<int:pk>/corrections/restore/",
        corrections_api.WorkRestore.as_view(),
        name="correction-restore",
    ),
    path(
        "researchers/<int:pk>/corrections/add/",
        corrections_api.WorkAdd.as_view(),
        name="correction-add",
    ),
    path(
        "researchers/<int:pk>/merge/",
        corrections_api.ResearcherMerge.as_view(),
        name="researcher-merge",
    ),
    path(
        "researchers/<int:pk>/suggestions/",
        corrections_api.SuggestionCreate.as_view(),
        name="suggestion-create",
    ),
    path("suggestions/", corrections_api.SuggestionInbox.as_view(), name="suggestion-list"),
    path(
        "suggestions/<int:pk>/decide/",
        corrections_api.SuggestionDecide.as_view(),
        name="suggestion-decide",
    ),
]
