"""Services for the organisation tree (县市 > 街镇 > 社区)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Case, F, PositiveIntegerField, Value, When

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


Place = tuple[str, str, str]


def communities_for(places: set[Place]) -> tuple[dict[Place, Organisation], int]:
    """The community at each (county, street, community), creating what is missing.

    Set-based, for roster imports of a whole province (issue 21): the tree is read once and
    each level's missing organisations are inserted together, so the queries do not grow with
    the number of places. New children are appended after their siblings with codes that sort
    after theirs (the tree is ordered by code); where that cannot hold (a parent past 99
    children, whose next two-digit code would sort first), treebeard inserts them one by one.
    Returns the communities and how many organisations were created.
    """
    tree = _Tree.read()
    created = 0
    for depth in (1, 2, 3):
        wanted: dict[str, set[str]] = {}
        for place in places:
            parent_path = tree.path_of(place[: depth - 1])
            if tree.child(parent_path, place[depth - 1]) is None:
                wanted.setdefault(parent_path, set()).add(place[depth - 1])
        created += tree.add_children(depth, wanted)
    return {place: tree.child(tree.path_of(place[:2]), place[2]) for place in places}, created


class _Tree:
    """The organisation tree in memory: nodes by (parent path, name), codes taken."""

    def __init__(self, nodes: list[Organisation]):
        self.nodes = {(node.path[: -Organisation.steplen], node.name): node for node in nodes}
        self.children: dict[str, list[Organisation]] = {}
        for node in nodes:
            self.children.setdefault(node.path[: -Organisation.steplen], []).append(node)
        self.by_path = {node.path: node for node in nodes}
        self.codes = {node.code for node in nodes}

    @classmethod
    def read(cls) -> _Tree:
        return cls(list(Organisation.objects.only("name", "path", "depth", "numchild", "code")))

    def child(self, parent_path: str, name: str) -> Organisation | None:
        return self.nodes.get((parent_path, name))

    def path_of(self, names: tuple[str, ...]) -> str:
        """The path of the node named ``names`` from the top (``""`` for the root level)."""
        path = ""
        for name in names:
            path = self.nodes[path, name].path
        return path

    def add_children(self, depth: int, wanted: dict[str, set[str]]) -> int:
        """Create ``wanted`` (parent path -> names) at ``depth``; returns how many."""
        planned, one_by_one = [], []
        for parent_path, names in wanted.items():
            nodes = self._appended(depth, parent_path, sorted(names))
            if nodes is None:
                one_by_one.append((parent_path, names))
            else:
                planned.extend(nodes)
        if one_by_one:
            # treebeard's sorted insertion may renumber siblings: plan the rest on a fresh read.
            for parent_path, names in one_by_one:
                parent = self.by_path.get(parent_path)
                for name in sorted(names):
                    get_or_create_child(parent=parent, name=name)
            fresh = _Tree.read()
            self.__dict__.update(fresh.__dict__)
            return sum(len(names) for _path, names in one_by_one) + self.add_children(
                depth,
                {path: names for path, names in wanted.items() if (path, names) not in one_by_one},
            )
        Organisation.objects.bulk_create(planned)
        grown = {}
        for node in planned:
            parent_path = node.path[: -Organisation.steplen]
            grown[parent_path] = grown.get(parent_path, 0) + 1
            self.nodes[parent_path, node.name] = node
            self.children.setdefault(parent_path, []).append(node)
            self.by_path[node.path] = node
        parents = [self.by_path[path] for path in grown if path]
        if parents:
            Organisation.objects.filter(pk__in=[p.pk for p in parents]).update(
                numchild=Case(
                    *(When(pk=p.pk, then=F("numchild") + Value(grown[p.path])) for p in parents),
                    default=F("numchild"),
                    output_field=PositiveIntegerField(),
                )
            )
        return len(planned)

    def _appended(self, depth: int, parent_path: str, names: list[str]) -> list | None:
        """New children of ``parent_path`` placed after its last child, or None if their
        codes would not sort after the existing children's."""
        parent = self.by_path.get(parent_path)
        siblings = self.children.get(parent_path, [])
        prefix = f"{parent.code}-" if parent else "C"
        number = len(siblings)
        last_code = max((s.code for s in siblings), default="")
        step = max((s._get_lastpos_in_path() for s in siblings), default=0)
        nodes = []
        for name in names:
            number += 1
            while f"{prefix}{number:02d}" in self.codes:
                number += 1
            code = f"{prefix}{number:02d}"
            if code <= last_code:
                return None
            step += 1
            last_code = code
            nodes.append(
                Organisation(
                    name=name,
                    kind=Organisation.KIND_BY_DEPTH[depth],
                    code=code,
                    depth=depth,
                    numchild=0,
                    path=Organisation._get_path(parent_path, depth, step),
                )
            )
        self.codes.update(node.code for node in nodes)
        return nodes
