import os

# App servers run several processes per host: numerical libraries must not each spin one
# thread per core (set before numpy is first imported).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "silkbridge.settings")
application = get_wsgi_application()
