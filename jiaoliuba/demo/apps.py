from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jiaoliuba.demo"
    label = "demo"
    verbose_name = "Demo city"
