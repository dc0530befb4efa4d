import os

from django.core.wsgi import get_wsgi_application

from zibo_edu.lib.front import FrontCache

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zibo_edu.settings")

# Kept public answers are served before Django's middleware (zibo_edu.lib.front).
application = FrontCache(get_wsgi_application())
