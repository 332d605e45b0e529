from django.urls import path

from silkbridge.marketplace import views

app_name = "marketplace"
urlpatterns = [
    path("", views.listing_list, name="list"),
    path("new/", views.listing_create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("moderation/", views.moderation, name="moderation"),
    path("<int:pk>/", views.listing_detail, name="detail"),
    path("<int:pk>/edit/", views.listing_edit, name="edit"),
    path("<int:pk>/submit/", views.listing_submit, name="submit"),
    path("<int:pk>/publish/", views.listing_publish, name="publish"),
    path("<int:pk>/send-back/", views.listing_send_back, name="send_back"),
    path("<int:pk>/close/", views.listing_close, name="close"),
    path("<int:pk>/renew/", views.listing_renew, name="renew"),
    path("<int:pk>/attachments/", views.attachment_add, name="attach"),
    path("<int:pk>/interest/", views.interest_create, name="express_interest"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("interests/<int:pk>/", views.interest_detail, name="interest"),
    path("interests/<int:pk>/accept/", views.interest_accept, name="accept"),
    path("interests/<int:pk>/decline/", views.interest_decline, name="decline"),
    path("interests/<int:pk>/messages/", views.message_post, name="message"),
    path("interests/<int:pk>/stage/", views.stage_set, name="stage"),
    path("saved-searches/", views.saved_search_create, name="save_search"),
    path("saved-searches/<int:pk>/delete/", views.saved_search_delete, name="delete_search"),
]
