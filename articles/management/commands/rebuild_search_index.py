from django.core.management.base import BaseCommand

from articles import services


class Command(BaseCommand):
    help = (
        "Recompute every article's stored search vector (PostgreSQL), e.g. after "
        "changing NEWSROOM_SEARCH_CONFIG. Saving an article keeps its own vector current."
    )

    def handle(self, *args, **options):
        count = services.articles_reindex_for_search()
        self.stdout.write(f"Search vectors rebuilt for {count} articles.")
