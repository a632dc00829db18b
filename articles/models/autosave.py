from django.conf import settings
from django.db import models
from django.http import QueryDict

from .article import Article


class Autosave(models.Model):
    """One editor's unsaved changes to an article, kept while they type.

    The editing page sends them after each half-minute of changes; opening the article
    again shows them, and they reach the article only when the editor saves. For a
    published article they are its pending draft: the live page never shows them.
    One per editor and article; a save by that editor ends it.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="autosaves")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The editing form's fields as posted, each name with its values (a list).
    data = models.JSONField()
    # The article's version the changes began from: a save from it is checked as any other.
    loaded_version = models.PositiveIntegerField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="one_autosave_per_editor")
        ]

    def __str__(self):
        return f"autosave of article {self.article_id} by user {self.user_id}"

    def as_form_data(self) -> QueryDict:
        """The kept fields, as the editing form posts them."""
        posted = QueryDict(mutable=True)
        for name, values in self.data.items():
            posted.setlist(name, values)
        return posted
