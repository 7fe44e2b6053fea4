from django.urls import path

from actionhub.pledges import views

urlpatterns = [
    path("pledge/", views.pledge_default, name="pledge-default"),
    path("pledge/<slug:slug>/", views.pledge, name="pledge"),
    path("pledge/<slug:slug>/check-your-email/", views.check_email, name="pledge-check-email"),
    path("pledge/<slug:slug>/confirm/<str:token>/", views.confirm, name="pledge-confirm"),
    path("pledge/<slug:slug>/thank-you/", views.thanks, name="pledge-thanks"),
    path("pledge/<slug:slug>/count.json", views.count_json, name="pledge-count"),
    path("pledge/<slug:slug>/constituencies/", views.constituencies, name="pledge-constituencies"),
]
