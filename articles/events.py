"""What happened to an article or a comment, said by the service that did it, for others to
react to: the page cache drops the pages that show it, the bias app sends a rating whose
text changed back for review.

Services send these after their writes, inside their transaction; listeners connect in
their `AppConfig.ready()` (see `articles.receivers`). Each carries the article it is about.
"""

from django.dispatch import Signal

# The text readers read (title, summary, sections, delegations) may have changed: a new
# revision was recorded. Sent with article=.
article_text_changed = Signal()

# Something readers see of the article changed: its text, slug, lead image, tags,
# corrections, comment settings or its bias rating. Sent with article=, and slug_before=
# when the article's address changed.
article_changed = Signal()

# The article moved through the workflow. Sent with article=, source=, target=, user=,
# note= (after the move is stored).
article_moved = Signal()

# The article went public (or was scheduled to), or stopped being public (withdrawn,
# reopened, deleted). Sent with article=.
article_published = Signal()
article_withdrawn = Signal()

# A comment appeared on its article's page (approved), or left it (rejected, marked as
# spam, deleted after being approved). Sent with comment=.
comment_published = Signal()
comment_withdrawn = Signal()

# Tags were renamed or merged (in django-taggit's admin). Sent with tags=, the tags the
# articles now carry.
tags_changed = Signal()
