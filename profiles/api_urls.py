from django.urls import path

from . import api

app_name = "profiles-api"

urlpatterns = [
    path("researchers/", api.ResearcherList.as_view(), name="researcher-list"),
    path("researchers/<int:pk>/", api.ResearcherDetail.as_view(), name="researcher-detail"),
    path("claims/", api.ClaimListCreate.as_view(), name="claim-list"),
    path("claims/<int:pk>/", api.ClaimDetail.as_view(), name="claim-detail"),
    path("claims/<int:pk>/withdraw/", api.ClaimWithdraw.as_view(), name="claim-withdraw"),
]
