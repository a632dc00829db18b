"""The newsroom's desk in the Django admin: articles, images, tags, and the comment queue.

Importing each module registers its admin classes.
"""

from articles.admin import article, image, tag  # noqa: F401
from articles.comments import admin as comments  # noqa: F401
