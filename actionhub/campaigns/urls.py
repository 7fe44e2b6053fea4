from django.urls import path

from actionhub.campaigns import views

urlpatterns = [
    path("", views.home, name="home"),
    path("write-to-your-mp/", views.letters, name="letters"),
    path("briefings/<slug:slug>/", views.briefing, name="briefing"),
    path("appeal/", views.appeal, name="appeal"),
    path("get-involved/", views.engagement, name="engagement"),
    path("<slug:slug>/", views.page, name="page"),
]
