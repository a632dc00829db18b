"""The order of inline rows on a change page shown again after an error."""


def formsetsort(formset, field_name):
    """Inline rows by their position field, then in the order they were sent.

    Replaces nested_admin's filter of the same name, which sorts (position, row)
    pairs: two rows sent at one position end in a TypeError, and a position that
    is not a number in a ValueError, on exactly the page that should show the
    editor what to fix. Rows without a readable position go last, as there.
    """
    if not field_name:
        return formset

    def key(indexed):
        index, item = indexed
        try:
            position = int(item.form[field_name].data)
        except (TypeError, ValueError):
            return (1, 0, index)
        return (1, 0, index) if position == -1 else (0, position, index)

    return [item for _, item in sorted(enumerate(formset), key=key)]


def install() -> None:
    from nested_admin.templatetags import nested_admin

    nested_admin.register.filter("formsetsort", formsetsort)
