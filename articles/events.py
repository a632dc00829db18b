"""What happened to an article, said by the service that did it, for others to react to.

Services send these after their writes; listeners (the bias app, the page cache)
connect in their `AppConfig.ready()`. Each is sent inside the service's transaction.
"""

from django.dispatch import Signal

# The text readers read (title, summary, sections, delegations) may have changed.
# Sent with article=.
article_text_changed = Signal()
