from django.urls import path

from chibo.register import views

app_name = "register"
urlpatterns = [
    path("", views.document_list, name="documents"),
    path("export.xlsx", views.document_export, name="export"),
    path("own/new/", views.own_new, name="own_new"),
    path("incoming/new/", views.incoming_new, name="incoming_new"),
    path("<int:pk>/", views.document_detail, name="document"),
    path("<int:pk>/file/", views.document_file, name="file"),
    path("<int:pk>/paper.docx", views.document_paper, name="paper"),
    path("dissemination/", views.dissemination_list, name="disseminations"),
    path("dissemination/new/", views.dissemination_new, name="dissemination_new"),
    path("dissemination/<int:pk>/", views.dissemination_detail, name="dissemination"),
    path("dissemination/<int:pk>/record/", views.participation_new, name="participation_new"),
    path("advice/", views.advice_list, name="advice"),
    path("advice/new/", views.advice_new, name="advice_new"),
    path("advice/<int:pk>/decide/", views.advice_decide, name="advice_decide"),
]
