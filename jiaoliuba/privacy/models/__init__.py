from jiaoliuba.privacy.models.requests import PrivacyRequest

__all__ = ["PrivacyRequest"]
