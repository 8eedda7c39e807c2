from django.urls import path

from chibo.system import views

app_name = "system"
urlpatterns = [
    path("", views.status, name="status"),
]
