from django.urls import path

from actionhub.brands import views

urlpatterns = [
    path("brands/", views.tracker, name="brands"),
    path("brands/<slug:slug>/", views.brand_page, name="brand"),
]
