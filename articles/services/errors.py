"""What services raise when the rules refuse a step; each message is for the person who tried."""


class WorkflowError(Exception):
    """A move or an edit the rules refuse. The message is for the person who tried."""


class EditConflict(WorkflowError):
    """The article changed after this edit began; saving would overwrite that change."""


class ForeignRow(WorkflowError):
    """A posted row id that names no row of the article being saved."""
