from django.urls import path

from actionhub.letters import brand_views, views

urlpatterns = [
    path("write-to-your-mp/<slug:slug>/", views.letter_start, name="letter"),
    path("write-to-your-mp/<slug:slug>/write/", views.letter_write, name="letter-write"),
    path("write-to-your-mp/<slug:slug>/send/", views.letter_details, name="letter-details"),
    path(
        "write-to-your-mp/<slug:slug>/check-your-email/",
        views.check_email,
        name="letter-check-email",
    ),
    path("brands/<slug:slug>/ask/", brand_views.brand_letter_write, name="brand-letter-write"),
    path(
        "brands/<slug:slug>/ask/send/",
        brand_views.brand_letter_details,
        name="brand-letter-details",
    ),
    path(
        "brands/<slug:slug>/ask/check-your-email/",
        brand_views.brand_letter_check_email,
        name="brand-letter-check-email",
    ),
    path("letters/<int:pk>/", views.letter_ready, name="letter-ready"),
    path(
        "letters/<int:pk>/letter.<str:kind>",
        views.letter_document,
        name="letter-document",
    ),
    path("letters/confirm/<str:token>/", views.confirm, name="letter-confirm"),
    path("letters/reply/<str:token>/", views.reply, name="letter-reply"),
]
