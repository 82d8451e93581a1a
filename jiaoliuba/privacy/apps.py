from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "jiaoliuba.privacy"
    verbose_name = _("Personal information rights")
    default_auto_field = "django.db.models.BigAutoField"
