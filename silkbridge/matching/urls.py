from django.urls import path

from silkbridge.matching import views

app_name = "matching"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/exposure/", views.exposure, name="exposure"),
]
