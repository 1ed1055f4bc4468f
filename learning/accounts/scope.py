"""Organisers' scope in the Wagtail admin: one mechanism for every model screen.

Why: a street organiser manages the learners, organisations and records of their street's
subtree only. Listing them scoped is not enough: edit, delete, copy, inspect, history and usage
pages take an id from the URL, and each must refuse an object outside the scope (an
organisation screen once let a street organiser edit another street's residents, which feed
the coverage rates). Rather than each view checking on its own, a viewset mixes in
``ScopedViewSetMixin`` (or subclasses ``ScopedModelViewSet``) and says which objects a scope
may see and change: by ``scope_path`` for rows that belong to one organisation, by
``scope_targets`` for rows aimed at organisations, or in its own ``scope_queryset``; the mixin
puts that filter into every view the viewset builds. The permission policies the organisers'
screens share (read-only logs, prefecture-wide settings) live here too.

Scope values (``scope_of``): ``None`` is the whole prefecture (superusers and prefecture-wide
organisers), an ``Organisation`` its subtree, ``False`` no scope at all (nothing).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from learning.accounts import selectors

#: Views that change what they show; they use the "change" scope.
CHANGING_VIEWS = {"edit", "delete", "copy", "unpublish", "revisions_revert"}


def scope_of(request):
    """The requesting user's organisation scope; False when they have none at all."""
    return scope_of_user(request.user)


def scope_of_user(user):
    """``scope_of`` for a user (False for none, also for no user)."""
    if user is None:
        return False
    try:
        return selectors.organiser_scope(user)
    except PermissionError:
        return False


def in_subtree(queryset: QuerySet, path_lookup: str, scope) -> QuerySet:
    """``queryset`` limited to the scope's subtree (nothing without a scope)."""
    if scope is False:
        return queryset.none()
    return queryset.filter(within(path_lookup, scope))


def within(path_lookup: str, scope) -> Q:
    """Rows whose organisation (reached by ``path_lookup``, e.g. ``organisation__path``) is in
    the scope's subtree."""
    if scope is None:
        return Q()
    return Q(**{f"{path_lookup}__startswith": scope.path})


def all_targets_within(queryset: QuerySet, targets: str, scope) -> QuerySet:
    """Objects aimed at organisations (``targets``, a many-to-many) that a scoped organiser
    may change: aimed at some organisations, and at none outside the scope. Objects for the
    whole prefecture (no targets) are changed only prefecture-wide."""
    if scope is False:
        return queryset.none()
    if scope is None:
        return queryset
    outside = queryset.filter(**{f"{targets}__isnull": False}).exclude(
        **{f"{targets}__path__startswith": scope.path}
    )
    return queryset.filter(**{f"{targets}__isnull": False}).exclude(pk__in=outside.values("pk"))


def any_target_within(queryset: QuerySet, targets: str, scope) -> QuerySet:
    """Objects a scoped organiser may see: for the whole prefecture, or aimed at least partly
    at their subtree."""
    if scope is False:
        return queryset.none()
    if scope is None:
        return queryset
    return queryset.filter(
        Q(**{f"{targets}__isnull": True}) | Q(**{f"{targets}__path__startswith": scope.path})
    ).distinct()


def organisations_for(user) -> QuerySet:
    """The organisations a user may pick in an admin form: their scope's subtree."""
    from learning.models import Organisation

    return in_subtree(Organisation.objects.order_by("path"), "path", scope_of_user(user))


def offer_organisations_in_scope(form, field_name: str) -> None:
    """Limit an admin form's organisation choices (``field_name``) to the subtree of the
    organiser filling it in (Wagtail's ``for_user``), indented by depth: an organiser may aim
    a rule, session or paper only within their own scope."""
    field = form.fields[field_name]
    field.queryset = organisations_for(getattr(form, "for_user", None))
    field.label_from_instance = lambda org: org.indented_name


def filter_organisations(request) -> QuerySet:
    """Choices of an admin list's organisation filter (django-filter calls it with the
    request): the organiser's own subtree."""
    return organisations_for(getattr(request, "user", None))


class ScopedViewMixin:
    """Put into each view by ``ScopedViewSetMixin``: lists filtered, objects checked."""

    scope_queryset = None
    scope_action = "view"

    def _in_scope(self, queryset):
        scope = scope_of(self.request)
        return self.scope_queryset(queryset, scope, self.scope_action, self.request)

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if queryset.model is not getattr(self, "model", None):
            return queryset  # a history or usage listing: its object is checked instead
        return self._in_scope(queryset)

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is None:
            return obj  # a snippet's create view has no object yet
        model = type(obj)
        if not self._in_scope(model._default_manager.filter(pk=obj.pk)).exists():
            raise PermissionDenied
        return obj


class ScopedViewSetMixin:
    """Mix into a ``ModelViewSet`` (or ``SnippetViewSet``) before it and set ``scope_path`` or
    ``scope_targets``, or define ``scope_queryset(queryset, scope, action, request)``,
    ``action`` being "view" or "change" and ``scope`` possibly False (no organiser: usually
    nothing)."""

    #: Object ids in the URLs bounded like every id (learning.platform.ids): a 30-digit id is a 404,
    #: not an integer SQLite cannot bind.
    pk_path_converter = "id"
    #: Lookup from a row to its organisation's tree path (``"organisation__path"``): a scope
    #: sees and changes the rows of its subtree.
    scope_path: str | None = None
    #: Or the many-to-many of organisations a row is aimed at (``"target_organisations"``): a
    #: scope sees rows for the whole prefecture or aimed partly at its subtree, and changes
    #: those aimed only within it.
    scope_targets: str | None = None

    def scope_queryset(self, queryset, scope, action: str, request):
        if self.scope_path:
            return in_subtree(queryset, self.scope_path, scope)
        if self.scope_targets:
            if action == "change":
                return all_targets_within(queryset, self.scope_targets, scope)
            return any_target_within(queryset, self.scope_targets, scope)
        raise NotImplementedError

    def construct_view(self, view_class, **kwargs):
        name = kwargs.pop("scope_view_name", None) or _view_name(view_class)
        scoped = type(
            f"Scoped{view_class.__name__}",
            (ScopedViewMixin, view_class),
            {
                "scope_queryset": staticmethod(self.scope_queryset),
                "scope_action": "change" if name in CHANGING_VIEWS else "view",
            },
        )
        return super().construct_view(scoped, **kwargs)


class ScopedModelViewSet(ScopedViewSetMixin, ModelViewSet):
    """The organisers' model screens: scoped as above, and given their own form class."""

    #: The add and edit form (a ``WagtailAdminModelForm`` that limits its organisation choices
    #: by ``for_user``); without one, Wagtail builds the form from ``form_fields`` or panels.
    form_class = None

    def get_form_class(self, for_update=False):
        return self.form_class or super().get_form_class(for_update)


def _view_name(view_class) -> str:
    """ "edit" for EditView and its subclasses, and so on (Wagtail's generic view names)."""
    from wagtail.admin.views import generic

    for name, base in (
        ("edit", generic.EditView),
        ("delete", generic.DeleteView),
        ("copy", getattr(generic, "CopyView", ())),
    ):
        if base and issubclass(view_class, base):
            return name
    return "view"


def prefecture_wide_changes(queryset: QuerySet, scope, action: str, request) -> QuerySet:
    """``scope_queryset`` of settings that hold for the whole prefecture (the exam calendar,
    the training tracks): every organiser sees them, only prefecture-wide ones change them."""
    if scope is False:
        return queryset.none()
    if action == "change" and scope is not None:
        return queryset.none()
    return queryset


class PrefectureWidePolicy(ModelPermissionPolicy):
    """Permission policy of those prefecture-wide settings: ``prefecture_wide_changes`` keeps a
    street or county organiser from editing one, and this keeps them from adding one (a new
    exam year or training track would apply to every county). Register it for the model with
    ``wagtail.permissions.register_permission_policy``; the admin then hides the add button
    and refuses the add view for them."""

    def _scoped(self, user) -> bool:
        return scope_of_user(user) is not None

    def user_has_permission(self, user, action):
        if action == "add" and self._scoped(user):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        if self._scoped(user):
            actions = [action for action in actions if action != "add"]
        return bool(actions) and super().user_has_any_permission(user, actions)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Permission policy of the logs that only code writes (the points ledger, the text
    message log, opt-outs): viewing is all anyone may do in the admin."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)
