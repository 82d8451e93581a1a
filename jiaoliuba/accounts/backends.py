from django.contrib.auth.backends import ModelBackend

from jiaoliuba.accounts import services
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.core.request import client_ip


class StaffPasswordBackend(ModelBackend):
    """Password sign-in (staff pages and the admin) with the service's lockout rules.
    Residents have no usable password; they sign in by SMS code through the service."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        ip = client_ip(request) if request is not None else None
        try:
            return services.staff_authenticate(username=username, password=password, ip=ip)
        except ApplicationError:
            return None
