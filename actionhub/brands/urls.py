from django.urls import path

from actionhub.brands import screening_views, views

urlpatterns = [
    path("brands/", views.tracker, name="brands"),
    path("brands/<slug:slug>/", views.brand_page, name="brand"),
    path("screening/results/<str:token>/", screening_views.results, name="screening-results"),
    path(
        "screening/results/<str:token>/results.csv",
        screening_views.results_csv,
        name="screening-results-csv",
    ),
    path("screening/<str:token>/", screening_views.brand_upload, name="screening-upload"),
]
