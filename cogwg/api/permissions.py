"""The API's side of ``cogwg.permissions``: it asks the same questions as the admin."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from cogwg import permissions


class PublicReadStaffWrite(BasePermission):
    """Anyone may read (what they see is narrowed by the viewset's queryset). Writing needs
    an authenticated user (anonymous writes get 401) whom ``cogwg.permissions`` allows:
    to add for a create, to change the record for anything else (403 otherwise)."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        if not request.user.is_authenticated:
            return False
        if getattr(view, "action", None) == "create":
            return permissions.can_add(request.user, view.queryset.model)
        return True

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or permissions.can_change(request.user, obj)
