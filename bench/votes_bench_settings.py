"""Settings of the votes bench's server: production settings plus one bench-only URL,
the bare one-row insert that the vote is compared with (bench/votes_http.py)."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "votes_bench_urls"
