from django.urls import path

from . import views

app_name = "works"

urlpatterns = [
    path("works/<int:pk>/", views.work_detail, name="detail"),
    path("works/<int:pk>/authors/", views.work_authors, name="authors"),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution"),
    path("imports/", views.import_runs, name="import-runs"),
    path("imports/<int:pk>/", views.import_run_detail, name="import-run"),
]
