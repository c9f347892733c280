"""The works list's URL; profiles/urls.py includes it under the profiles namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("researchers/<int:pk>/works/", views.researcher_works, name="works"),
]
