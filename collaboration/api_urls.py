from django.urls import path

from . import api

app_name = "collaboration-api"

urlpatterns = [
    path("researchers/<int:pk>/follow/", api.FollowView.as_view(), name="follow"),
]
