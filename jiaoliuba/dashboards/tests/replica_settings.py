"""Settings of the Django process test_replica.py starts against its own primary
(DATABASE_URL) and streaming standby (DATABASE_REPLICA_URL)."""

import os

from config.settings.base import replica_from_url
from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES["replica"] = replica_from_url(os.environ["DATABASE_REPLICA_URL"], DATABASES["default"])
