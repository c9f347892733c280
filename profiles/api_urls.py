from django.urls import path

from . import api

app_name = "profiles-api"

urlpatterns = [
    path("researchers/", api.ResearcherList.as_view(), name="researcher-list"),
    path("researchers/<int:pk>/", api.ResearcherDetail.as_view(), name="researcher-detail"),
]
