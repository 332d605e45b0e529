from django.urls import path

from silkbridge.indicators import views

app_name = "indicators"
urlpatterns = [
    path("indicators/", views.dashboard, name="dashboard"),
    path("indicators/gaps/", views.gaps, name="gaps"),
    path("indicators/<slug:name>/", views.indicator, name="indicator"),
]
