from django.urls import path

from chibo.me import views

app_name = "me"
urlpatterns = [
    path("", views.page, name="page"),
    path("studies/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
