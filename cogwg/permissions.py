"""Who may see and change what: the one place both the admin and the API ask.

For now the secretariat (active staff) sees drafts and may change everything; everyone
else reads what is published. Jurisdiction contributors' narrower rights (their own
jurisdiction's records, the milestones of priorities their jurisdiction holds a seat on)
belong here too, so that the admin and the API keep answering the same way.
"""


def is_secretariat(user) -> bool:
    return bool(user and user.is_active and user.is_staff)


def can_view_unpublished(user) -> bool:
    """May ``user`` see drafts and records under review, not only what is published?"""
    return is_secretariat(user)


def can_add(user, model) -> bool:
    """May ``user`` create a record of ``model``?"""
    return is_secretariat(user)


def can_change(user, obj) -> bool:
    """May ``user`` change (or delete, publish, withdraw) this record?"""
    return is_secretariat(user)
