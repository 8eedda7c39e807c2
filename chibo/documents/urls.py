from django.urls import path

from chibo.documents import views

app_name = "documents"
urlpatterns = [
    path("regulations/", views.regulation_list, name="regulations"),
    path("regulations/new/", views.regulation_new, name="regulation_new"),
    path("regulations/<int:pk>/file/", views.regulation_file, name="regulation_file"),
]
