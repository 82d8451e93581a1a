"""The deliberation part of 参与率, plugged into the dashboard through
settings.DASHBOARD_SOURCES["participation"]["deliberation"] (see
jiaoliuba/dashboards/sources.py for the contract). Acts are proposing, supporting and
commenting on a topic, written by those services as ParticipationAct rows: one per
person, kind, topic and day, with where the resident was registered when they acted."""

from __future__ import annotations

from jiaoliuba.accounts.participation import ActParticipation
from jiaoliuba.deliberation.models import ParticipationAct

deliberation_participation = ActParticipation(ParticipationAct)
