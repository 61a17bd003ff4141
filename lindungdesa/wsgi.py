import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")
application = get_wsgi_application()

# What the server process holds from its start (Django, settings, the URL configuration) lives as long as
# the process: moved out of the collector's reach, so that its full (generation 2) collections do not walk
# it again every few requests. Measured on the province's monev round page: one request in nine took a
# full collection of 65-90 ms; frozen, 1-3 ms (docs/benchmarks.md).
gc.collect()
gc.freeze()
