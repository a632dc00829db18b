"""Changing a standards page."""

import logging

from django.db import transaction

from articles import page_cache
from newsroom.standards.models import StandardsPage
from newsroom.standards.pages import STANDARDS
from newsroom.standards.permissions import can_edit_standards

logger = logging.getLogger(__name__)


class StandardsError(Exception):
    """A change refused, with the reason to show."""


@transaction.atomic
def standards_page_save(*, page: StandardsPage, user) -> StandardsPage:
    """Save an edit to a standards page (editors only); its text is rendered once, here.

    The pages keep their kind, and so their address, for good: an edit changes only the
    summary and the text. The standards pages shown from the cache move on with it.
    """
    if not can_edit_standards(user):
        raise StandardsError("Only editors change the standards pages.")
    if page.pk is None or not StandardsPage.objects.filter(pk=page.pk, kind=page.kind).exists():
        raise StandardsError("The standards pages are fixed: change one of them.")
    page.full_clean()
    page.updated_by = user
    page.save()
    page_cache.changed(STANDARDS)
    logger.info("standards page %s changed by %s", page.kind, user.pk)
    return page
