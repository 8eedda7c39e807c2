from django.urls import path

from chibo.reorganize import views

app_name = "reorganize"
urlpatterns = [
    path("merge/", views.merge, name="merge"),
    path("<int:pk>/split/", views.split, name="split"),
    path("<int:pk>/dissolve/", views.dissolve, name="dissolve"),
]
