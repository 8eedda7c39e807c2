import os

from django.core.wsgi import get_wsgi_application

from chibo.system.serve import freeze_heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
application = get_wsgi_application()
freeze_heap()  # once the app is loaded, in each worker (see chibo.system.serve)
