"""What services raise when the rules refuse a step; each message is for the person who tried."""


class WorkflowError(Exception):
    """A move or an edit the rules refuse. The message is for the person who tried."""


class EditConflict(WorkflowError):
    """The article changed after this edit began; saving would overwrite that change.
    `changed` says by whom and when, for a page that then shows both versions."""

    def __init__(self, message: str, *, changed: str = ""):
        super().__init__(message)
        self.changed = changed or message


class ForeignRow(WorkflowError):
    """A posted row id that names no row of the article being saved."""
