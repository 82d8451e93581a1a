from django.apps import AppConfig


class BareConfig(AppConfig):
    name = "peersite.bare"
    default_auto_field = "django.db.models.BigAutoField"
