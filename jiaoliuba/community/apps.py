from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "jiaoliuba.community"
    label = "community"
    verbose_name = _("Community groups and culture")
