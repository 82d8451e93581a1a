from jiaoliuba.venues.models.rota import Shift, SwapRequest
from jiaoliuba.venues.models.venue import Closure, OpeningHours, Theme, Venue, VenuePhoto
from jiaoliuba.venues.models.visit import VenueAct, VenueEvent, Visit

__all__ = [
    "Closure",
    "OpeningHours",
    "Shift",
    "SwapRequest",
    "Theme",
    "Venue",
    "VenueAct",
    "VenueEvent",
    "VenuePhoto",
    "Visit",
]
