"""Services for the organisation tree (县市 > 街镇 > 社区)."""

from __future__ import annotations

from django.db import transaction

from learning.models import Organisation

Kind = Organisation.Kind


def _next_code(parent: Organisation | None) -> str:
    """A new stable code: ``C01`` for a county, ``C01-02`` for its second street, and so on."""
    siblings = parent.get_children() if parent else Organisation.get_root_nodes()
    prefix = f"{parent.code}-" if parent else "C"
    taken = set(siblings.values_list("code", flat=True))
    number = len(taken) + 1
    while (
        f"{prefix}{number:02d}" in taken
        or Organisation.objects.filter(code=f"{prefix}{number:02d}").exists()
    ):
        number += 1
    return f"{prefix}{number:02d}"


@transaction.atomic
def get_or_create_child(
    *, parent: Organisation | None, name: str, code: str | None = None, residents: int | None = None
) -> tuple[Organisation, bool]:
    """Find the named organisation under ``parent`` (a county when parent is None) or add it."""
    depth = parent.depth + 1 if parent else 1
    kind = Organisation.KIND_BY_DEPTH[depth]
    siblings = parent.get_children() if parent else Organisation.get_root_nodes()
    existing = siblings.filter(name=name).first()
    if existing is not None:
        return existing, False
    node = Organisation(name=name, kind=kind, code=code or _next_code(parent), residents=residents)
    if parent is None:
        return Organisation.add_root(instance=node), True
    # treebeard's add_child works on a possibly stale parent; reload it first.
    parent = Organisation.objects.get(pk=parent.pk)
    return parent.add_child(instance=node), True


def get_or_create_path(county: str, street: str, community: str) -> tuple[Organisation, int]:
    """The community at county/street/community, creating what is missing.

    Returns the community and how many organisations were created.
    """
    created = 0
    parent = None
    for name in (county, street, community):
        parent, was_created = get_or_create_child(parent=parent, name=name)
        created += was_created
    return parent, created
