"""The directory's URLs; profiles/urls.py includes them under the profiles namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("researchers/", views.directory, name="directory"),
    path("researchers/autocomplete/", views.autocomplete, name="autocomplete"),
]
