from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class JiaoliubaAdminSite(admin.AdminSite):
    site_header = _("Jiaoliuba administration")
    site_title = _("Jiaoliuba")
    index_title = _("Configuration")
