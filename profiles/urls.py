from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("", views.home, name="home"),
    path("researchers/", views.directory, name="directory"),
    path("researchers/autocomplete/", views.autocomplete, name="autocomplete"),
    path("researchers/<int:pk>/", views.researcher_detail, name="detail"),
]
