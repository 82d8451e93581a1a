from jiaoliuba.bookings.models.booking import Booking, BookingAct, BookingEvent, Restriction
from jiaoliuba.bookings.models.catalogue import Series, Service, Session
from jiaoliuba.bookings.models.experts import (
    Availability,
    Certificate,
    ConsultationNote,
    Expert,
    ServiceHours,
)

__all__ = [
    "Availability",
    "Booking",
    "BookingAct",
    "BookingEvent",
    "Certificate",
    "ConsultationNote",
    "Expert",
    "Restriction",
    "Series",
    "Service",
    "ServiceHours",
    "Session",
]
