from jiaoliuba.bookings.models.booking import Booking, BookingAct, BookingEvent, Restriction
from jiaoliuba.bookings.models.catalogue import Series, Service, Session
from jiaoliuba.bookings.models.experts import (
    Availability,
    Certificate,
    ConsultationNote,
    Expert,
    ServiceHours,
)
from jiaoliuba.bookings.models.requests import ExpertRequest, ExpertRequestEvent

__all__ = [
    "Availability",
    "Booking",
    "BookingAct",
    "BookingEvent",
    "Certificate",
    "ConsultationNote",
    "Expert",
    "ExpertRequest",
    "ExpertRequestEvent",
    "Restriction",
    "Series",
    "Service",
    "ServiceHours",
    "Session",
]
