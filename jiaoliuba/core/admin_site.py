from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class JiaoliubaAdminSite(admin.AdminSite):
    site_header = _("Jiaoliuba administration")
    site_title = _("Jiaoliuba")
    index_title = _("Configuration")
    # The index shows the working-day calendar warnings; core's own admin/index.html would
    # be shadowed by the admin app's, hence a template of its own name.
    index_template = "admin/calendar_index.html"
