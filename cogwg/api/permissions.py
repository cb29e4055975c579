"""The API's side of ``cogwg.permissions``: it asks the same questions as the admin."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from cogwg import permissions

# Actions that only those who may publish take (the review's other side).
PUBLISHER_ACTIONS = ("publish", "withdraw", "return_for_changes")


class PublicReadStaffWrite(BasePermission):
    """Anyone may read; what they see is narrowed by the viewset's queryset
    (``permissions.visible``), so another jurisdiction's draft is a 404. Writing needs an
    authenticated user (anonymous writes get 401) whom ``cogwg.permissions`` allows: to
    add for a create; to change, delete, submit or publish the record for the others
    (403 otherwise). A record of their own that is not in a state to submit is the
    service's to refuse, saying why (a 400), as it is for the secretariat. What a new or
    changed record may hold is checked before it is saved (``permissions.can_save``, in
    the viewsets)."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        if not request.user.is_authenticated:
            return False
        if getattr(view, "action", None) == "create":
            return permissions.can_add(request.user, view.queryset.model)
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        user, action = request.user, getattr(view, "action", None)
        if action in PUBLISHER_ACTIONS:
            return permissions.can_publish(user, obj)
        if action == "destroy":
            return permissions.can_delete(user, obj)
        if action == "submit":
            return permissions.can_change(user, obj) or self.submit_in_wrong_state(user, obj)
        # Changing, and the rest.
        return permissions.can_change(user, obj)

    @staticmethod
    def submit_in_wrong_state(user, obj):
        """May ``user`` be told by the service why ``obj`` cannot be submitted (a 400, as the
        secretariat is), rather than a 403? They may submit records of its kind and it is
        their jurisdictions' (its review is theirs: ``can_view_review``), but its state is
        not one to submit: they submitted it already, or it is published."""
        return (
            getattr(obj, "publication_state", None) not in permissions.SUBMITTABLE_STATES
            and permissions.can_submit(user, type(obj))
            and permissions.can_view_review(user, obj)
        )
