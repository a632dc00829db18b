"""Who may change the standards pages: editors (the roles migration grants them the right)."""

CHANGE_STANDARDS_PAGE = "newsroom.change_standardspage"


def can_edit_standards(user) -> bool:
    return user.has_perm(CHANGE_STANDARDS_PAGE)
