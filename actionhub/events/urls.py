from django.urls import path

from actionhub.events import views

urlpatterns = [
    path("demonstration/", views.demonstration, name="demonstration"),
    path("events/rsvp/confirm/<str:token>/", views.confirm, name="rsvp-confirm"),
    path("events/rsvp/cancel/<str:token>/", views.cancel, name="rsvp-cancel"),
    path("events/every-week/confirm/<str:token>/", views.every_week_confirm,
         name="every-week-confirm"),
    path("events/every-week/stop/<str:token>/", views.every_week_stop, name="every-week-stop"),
    path("events/<slug:slug>/", views.series_page, name="series"),
    path("events/<slug:slug>/calendar.ics", views.series_feed, name="series-calendar"),
    path("events/<slug:slug>/check-your-email/", views.check_email, name="rsvp-check-email"),
    path("events/<slug:slug>/<str:on>/", views.occurrence_page, name="occurrence"),
    path("events/<slug:slug>/<str:on>/event.ics", views.occurrence_feed,
         name="occurrence-calendar"),
]  # fmt: skip
