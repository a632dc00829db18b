"""What happened to an article's rating, said by the bias services, for others to react to
(the desk's mail: `newsroom.notifications`)."""

from django.dispatch import Signal

# An analyst of every lean has now assessed the article: its rating awaits sign-off.
# Sent with article=, user= (the analyst whose assessment completed the panel).
panel_ready = Signal()

# An editor asked an analyst to assess an article. Sent with article=, analyst=, user=.
assessment_requested = Signal()
