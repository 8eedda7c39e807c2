from django.contrib import admin
from django.urls import include, path

from chibo import views
from chibo.api.urls import api_urls
from chibo.system.views import healthz

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("chibo.accounts.urls")),
    path("orgs/", include("chibo.orgs.urls")),
    # Merge, split, dissolve: same /orgs/ paths, served above the tree and the people.
    path("orgs/", include("chibo.reorganize.urls")),
    path("members/", include("chibo.members.urls")),
    path("documents/", include("chibo.documents.urls")),
    path("meetings/", include("chibo.meetings.urls")),
    path("register/", include("chibo.register.urls")),
    path("briefings/", include("chibo.briefings.urls")),
    path("alerts/", include("chibo.rules.urls")),
    path("overview/", include("chibo.reports.urls")),
    path("history/", include("chibo.audit.urls")),
    path("me/", include("chibo.me.urls")),
    path("imports/", include("chibo.imports.urls")),
    path("api/", include("chibo.api.urls")),
    path("api/v1/", api_urls()),
    path("admin/", admin.site.urls),
    path("system/", include("chibo.system.urls")),
    path("healthz", healthz, name="healthz"),
]

handler400 = "chibo.views.bad_request"
handler403 = "chibo.views.permission_denied"
handler404 = "chibo.views.page_not_found"
handler500 = "chibo.views.server_error"
