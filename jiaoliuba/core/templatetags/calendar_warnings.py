"""`{% load calendar_warnings %}{% calendar_warnings as warnings %}`: the years whose
deadlines rest on the fallback calendar, for the admin index and the workbench."""

from django import template

from jiaoliuba.core import workdays

register = template.Library()


@register.simple_tag
def calendar_warnings() -> list[workdays.CalendarWarning]:
    return workdays.calendar_warnings()
