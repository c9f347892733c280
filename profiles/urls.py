from django.urls import path

from . import views
from .search import urls as search_urls
from .works_list import urls as works_list_urls

app_name = "profiles"

urlpatterns = [
    path("", views.home, name="home"),
    *search_urls.urlpatterns,
    *works_list_urls.urlpatterns,
    path("researchers/<int:pk>/", views.researcher_detail, name="detail"),
]
