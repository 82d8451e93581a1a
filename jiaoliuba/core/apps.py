from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig

# Imported for its @register: the system checks need no models, so they load here.
from jiaoliuba.core import checks  # noqa: F401


class CoreConfig(AppConfig):
    default = True
    name = "jiaoliuba.core"
    label = "core"
    verbose_name = _("Core")


class AdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "jiaoliuba.core.admin_site.JiaoliubaAdminSite"


class TasksDbConfig(TasksAppConfig):
    """django-tasks' database backend under a name administrators read ("Tasks Database
    Backend" is a plain string the package never translates)."""

    default = False
    # AppConfig takes lazy text; the package annotated its name as str.
    verbose_name = _("Background tasks")  # type: ignore[assignment]
