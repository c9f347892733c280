from django.urls import path

from . import views

app_name = "collaboration"

urlpatterns = [
    path("researchers/<int:pk>/follow/", views.follow, name="follow"),
    path("following/", views.following, name="following"),
]
