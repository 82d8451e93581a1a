from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The UI shell: home, workbench, navigation. It reads every app; none imports it."""

    name = "jiaoliuba.portal"
    label = "portal"
