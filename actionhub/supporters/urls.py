from django.urls import path

from actionhub.supporters import views

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="supporter-unsubscribe"),
    path("erase-my-details/<str:token>/", views.erase, name="supporter-erase"),
]
