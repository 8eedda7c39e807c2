import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from chibo.system.serve import freeze_heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
application = get_wsgi_application()
# The URLconf (and through it every view, form and the API) loads on the first request;
# load it now so what is frozen is the whole app (see chibo.system.serve).
_urls = get_resolver().url_patterns
freeze_heap()
