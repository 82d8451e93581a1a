from django.core.management.base import BaseCommand

from jiaoliuba.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo city (驻马店市). Safe to run again: it adds only what is missing."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=300)

    def handle(self, *, residents: int, **options):
        load_demo(residents=residents, stdout=self.stdout)
