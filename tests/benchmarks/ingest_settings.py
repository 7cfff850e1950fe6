"""The ingest benchmark's Django settings: the manager's own, with the baseline view beside it.

Everything (middleware, database, media storage, gunicorn workers) is what
``kiosk-manager serve`` runs; only the URLconf adds one bare view
(:mod:`ingest_urls`), so both are served by the same processes in the same run.
"""

# Every setting of the manager, unchanged.
from manager.settings import *  # noqa: F403 - every setting, as serve runs them

ROOT_URLCONF = "ingest_urls"
