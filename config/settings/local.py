"""Developer machine: `make run`. Keys below are for local use only."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-dev-only-not-secret"  # noqa: F405
FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEY or "bG9jYWwtZGV2LW9ubHktZmllbGQta2V5LTMyYnl0ZXM="  # noqa: F405
FIELD_HASH_KEY = FIELD_HASH_KEY or "local-dev-only-hash-key"  # noqa: F405
VAR_DIR.mkdir(parents=True, exist_ok=True)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns when it is missing)
# `make run` serves the collected, precompressed files (WHITENOISE_USE_FINDERS=0) like
# production; a bare `jiaoliuba runserver` serves the app directories as they are edited.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
# The demo city: staff sign in with the password only, so visitors need no authenticator
# app (README, demo accounts). JIAOLIUBA_DEMO_2FA_BYPASS=0 tries the real two-factor flow.
# Production refuses this setting.
JIAOLIUBA_DEMO_2FA_BYPASS = env_bool("JIAOLIUBA_DEMO_2FA_BYPASS", True)
