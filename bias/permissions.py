"""Who may do what with assessments and ratings: every check of a right is made here."""

PUBLISH_RATING = "bias.publish_rating"


def can_assess(user) -> bool:
    """Record an assessment of an article: bias analysts."""
    return user.has_perm("bias.add_assessment")


def can_change_assessment(user) -> bool:
    return user.has_perm("bias.change_assessment")


def can_view_assessments(user) -> bool:
    return user.has_perm("bias.view_assessment")


def can_sign_off(user) -> bool:
    """Publish an article's rating, and see every assessment of it: editors."""
    return user.has_perm(PUBLISH_RATING)
