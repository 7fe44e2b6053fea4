from django.urls import path

from actionhub.rights import views

urlpatterns = [
    path("", views.link_request, name="rights-request"),
    path("sent/", views.link_sent, name="rights-link-sent"),
    path("link/<str:token>/", views.link, name="rights-link"),
    path("view/", views.data, name="rights-data"),
    path("view/your-data.json", views.data_json, name="rights-data-json"),
    path("view/your-data-csv.zip", views.data_csv, name="rights-data-csv"),
    path("view/prepared/<int:pk>/", views.prepared, name="rights-prepared"),
    path("close/", views.close, name="rights-close"),
    path("view/choice/", views.choice, name="rights-choice"),
    path("view/withdraw/<str:purpose>/", views.withdraw, name="rights-withdraw"),
    path("view/name/", views.name, name="rights-name"),
    path("view/erase/", views.erase, name="rights-erase"),
]
