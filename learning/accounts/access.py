"""What a user may reach in the admin (Django permissions, groups, organiser scope), kept per
user under the site's content version (issue 21).

Why: every admin request asks Django's ``ModelBackend`` for the user's permissions (two
queries: their own and their groups'), the admin page cache keys on their group ids (a
third) and every organiser's view reads their ``Organiser`` row (a fourth). With the
dashboard itself served from a kept copy, these reads were most of what the request still
cost (bench/RESULTS.md, sessions 6 and 7). They change only when an administrator changes a
group, a permission or an organiser's scope, so the answer is kept, and any such change makes
the very next request read it afresh.

What keeps it correct:

- The key holds the content version (:class:`learning.models.ContentVersion`, one primary-key
  read, in the database: a change made by one worker reaches every worker, whatever the
  cache backend), the user's id and the flags that change the answer (``is_superuser``,
  ``is_active``; they come from the user row, which every request reads fresh).
- Every change that can alter an answer bumps that version in the change's own transaction:
  a user's groups or own permissions (``m2m_changed``), a group's permissions, saving or
  deleting a group, a permission, an organiser's row (also ``update``, ``bulk_create`` and
  ``bulk_update`` of organisers, see :class:`learning.models.profiles.OrganiserQuerySet`) or
  a user (a deleted user's id is never served to another). Saving a user does not bump it:
  their flags are in the key.
- The version is read before the answer is computed: a change committed in between leaves
  the new answer under the old version, never the old answer under the new one. Inside a
  transaction of the caller's own the answer is computed and not kept (that transaction's
  version bump could still roll back and a later change reuse the number).
- What the organiser's scope is *now* (its path moves when treebeard reorders the tree) is
  never kept: only which organisation it is, read by primary key on each request.
- Kept at most ``SECONDS``: the bound for changes made behind the ORM's back (SQL by hand).

Use: ``of(user)``; the authentication backends (``learning.auth_backends``) fill Django's own
per-request permission caches from it, so ``has_perm`` and Wagtail's checks read it too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete

from learning.platform import page_cache
from learning.platform.process_memo import ProcessMemo

#: The longest an answer is kept (seconds): only changes made without the ORM wait this long.
SECONDS = 300
#: Models whose saves and deletions change some user's answer (besides users' own m2m).
DEPENDENCIES = ("auth.Group", "auth.Permission", "learning.Organiser")


@dataclass(frozen=True)
class Access:
    """One user's answer: Django permissions (``app_label.codename``), groups, scope."""

    user_permissions: frozenset[str]
    group_permissions: frozenset[str]
    group_ids: tuple[int, ...]
    #: Whether the user is an organiser, and of which organisation (None: the prefecture).
    organiser: bool
    organisation_id: int | None

    @property
    def digest(self) -> str:
        """Stands for the whole answer in cache keys (the admin page cache's)."""
        raw = repr(
            (
                sorted(self.user_permissions),
                sorted(self.group_permissions),
                self.group_ids,
                self.organiser,
                self.organisation_id,
            )
        )
        return hashlib.sha256(raw.encode()).hexdigest()


#: The answer for a visitor who is not logged in.
NOBODY = Access(frozenset(), frozenset(), (), organiser=False, organisation_id=None)
#: Answers in this worker, in front of the shared cache (their key names the version).
_MEMO = ProcessMemo(max_entries=5000)


def of(user) -> Access:
    """The user's answer, once per user object (a request's ``request.user``).

    Also fills Django's per-user permission caches (``ModelBackend``'s), so that permission
    checks on this object read no more rows.
    """
    if not user.is_authenticated:
        return NOBODY
    found = getattr(user, "_kept_access", None)  # (request.user is a lazy proxy)
    if found is None:
        found = user._kept_access = _load(user)
        # Copies: Django's callers get sets of their own, the kept answer stays as it was.
        user._user_perm_cache = set(found.user_permissions)
        user._group_perm_cache = set(found.group_permissions)
    return found


def _load(user) -> Access:
    if _inside_own_transaction():
        return _computed(user)
    version = page_cache.content_version()  # before the answer, see the module docstring
    key = f"access:{version}:{user.pk}:{int(user.is_superuser)}:{int(user.is_active)}"
    return _MEMO.through_cache(key, lambda: _computed(user), SECONDS)


def _computed(user) -> Access:
    from learning.models import Organiser

    django = ModelBackend()  # Django's own reading of the permissions (superusers: all)
    scope = list(Organiser.objects.filter(user=user).values_list("organisation_id", flat=True))
    return Access(
        user_permissions=frozenset(django._get_permissions(user, None, "user")),
        group_permissions=frozenset(django._get_permissions(user, None, "group")),
        group_ids=tuple(sorted(user.groups.values_list("pk", flat=True))),
        organiser=bool(scope),
        organisation_id=scope[0] if scope else None,
    )


def _inside_own_transaction() -> bool:
    """In a transaction of the code's own (a test case's wrapping one does not count)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def changed(**_signal_kwargs) -> None:
    """Something an answer depends on changed: every kept answer is read afresh."""
    page_cache.bump_content_version()


def connect() -> None:
    """Wires the invalidation signals (called once from LearningConfig.ready)."""
    from django.contrib.auth import get_user_model

    page_cache.depends_on(*DEPENDENCIES)  # saves, deletions, a group's permissions
    user_model = get_user_model()
    for field in ("groups", "user_permissions"):
        through = user_model._meta.get_field(field).remote_field.through
        m2m_changed.connect(changed, sender=through, weak=False, dispatch_uid=f"access_{field}")
    post_delete.connect(changed, sender=user_model, weak=False, dispatch_uid="access_user")
