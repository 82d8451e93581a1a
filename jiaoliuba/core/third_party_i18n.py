"""Chinese for strings that Django's admin and django-tasks ship without a zh_Hans
translation (issue 9, item 21). Listing them here puts them in our catalog; Django merges
every catalog and ours (LOCALE_PATHS) wins, so the admin shows them in Chinese."""

from django.utils.translation import gettext_noop, pgettext_lazy

ADMIN = (
    # django/contrib/admin/templates/admin/app_list.html (column headers for screen readers)
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django/contrib/admin/templates/admin/auth/user/add_form.html
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
)

DJANGO_TASKS = (
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("status"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)
