from django.urls import path

from silkbridge.cooperation import views

app_name = "cooperation"
urlpatterns = [
    path("cooperation/import/", views.import_records, name="import"),
    path("cooperation/import/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("cooperation/import/<slug:kind>-template.<str:extension>", views.import_template, name="import_template"),
    path("cooperation/review/", views.review_queue, name="review"),
    path("cooperation/organisations/suggest/", views.suggest_organisations, name="suggest_organisations"),
    path("cooperation/<slug:kind>/suggest/", views.suggest_records, name="suggest_records"),
    path("cooperation/<slug:kind>/", views.record_list, name="list"),
    path("cooperation/<slug:kind>/new/", views.record_edit, name="create"),
    path("cooperation/<slug:kind>/<int:pk>/", views.record_detail, name="detail"),
    path("cooperation/<slug:kind>/<int:pk>/edit/", views.record_edit, name="edit"),
    path("cooperation/<slug:kind>/<int:pk>/delete/", views.record_delete, name="delete"),
    path("cooperation/<slug:kind>/<int:pk>/outputs/new/", views.output_edit, name="output_create"),
    path("cooperation/<slug:kind>/<int:pk>/outputs/<int:output_pk>/", views.output_edit, name="output_edit"),
    path("cooperation/<slug:kind>/<int:pk>/outputs/<int:output_pk>/review/", views.output_review, name="output_review"),
    path("cooperation/<slug:kind>/<int:pk>/outputs/<int:output_pk>/delete/", views.output_delete, name="output_delete"),
    path("cooperation/<slug:kind>/<int:pk>/review/", views.record_review, name="review_action"),
    path("cooperation/<slug:kind>/<int:pk>/history/", views.record_history, name="history"),
]
