from django.urls import path

from chibo.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("export.xlsx", views.member_export, name="export"),
    path("new/", views.person_new, name="new"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/admit/", views.admit, name="admit"),
    path("<int:pk>/existing/", views.existing_member, name="existing"),
    path("<int:pk>/recognize/", views.recognize, name="recognize"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/exempt/", views.exempt, name="exempt"),
    path("<int:pk>/exempt/end/", views.end_exemption, name="end_exemption"),
    path("<int:pk>/end/", views.end_membership, name="end"),
    path("<int:pk>/death/", views.death, name="death"),
    path("<int:pk>/police/", views.police, name="police"),
    path("<int:pk>/account/", views.account_create, name="account_create"),
    path("<int:pk>/account/link/", views.account_link, name="account_link"),
    path("<int:pk>/appoint/", views.appoint, name="appoint"),
    path("positions/<int:pk>/end/", views.end_position, name="end_position"),
    path("transfers/<int:pk>/receive/", views.receive, name="receive"),
    path("cells/<int:pk>/congress/", views.congress, name="congress"),
]
