from django.core.management.base import BaseCommand

from newsroom.demo.loader import create_role_users, load_seed_article


class Command(BaseCommand):
    help = (
        "Load the seed article, published, with a generated lead image and its rating. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--users",
            action="store_true",
            help="Also create one staff user per role and print their one-time passwords.",
        )

    def handle(self, *args, users=False, **options):
        article, created = load_seed_article()
        verb = "Loaded" if created else "Already loaded:"
        self.stdout.write(f"{verb} {article.title} ({article.get_absolute_url()})")
        if not users:
            return
        self.stdout.write("Staff users (log in at /admin/):")
        for username, role, password in create_role_users():
            if password:
                self.stdout.write(f"  {username:<11} {role:<14} password: {password}")
            else:
                self.stdout.write(f"  {username:<11} {role:<14} exists; password unchanged")
