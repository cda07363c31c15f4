"""2D meshes of P1 triangles or Q1 quadrilaterals: structured generators, conversion from any
mesh meshio reads, boundary and material tags, and element quality checks."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._checks import check_integer, check_positive

CELL_TYPES = {"triangle": 3, "quad": 4}

# Tags of the four sides of a structured rectangle mesh.
RECTANGLE_TAGS = {"left": 1, "right": 2, "bottom": 3, "top": 4}


@dataclass(frozen=True, eq=False)
class Mesh:
    """A 2D mesh of one element kind.

    points: (n_nodes, 2) node coordinates [m]; cells: (n_cells, 3) triangles or (n_cells, 4)
    quadrilaterals, nodes counter-clockwise; boundary_edges: (n_edges, 2) node pairs of the
    boundary; boundary_tags: (n_edges,) integer tag of each boundary edge (0: untagged);
    tag_names: boundary tag name → integer tag; materials: (n_cells,) integer material id;
    material_names: material name → id.

    Construction checks the mesh: an inverted (clockwise) or degenerate element raises
    ``ValueError`` naming the element.
    """

    points: np.ndarray
    cells: np.ndarray
    boundary_edges: np.ndarray
    boundary_tags: np.ndarray
    tag_names: dict = field(default_factory=dict)
    materials: np.ndarray | None = None
    material_names: dict = field(default_factory=dict)

    def __post_init__(self):
        pts = np.ascontiguousarray(self.points, dtype=np.float64)
        cells = np.ascontiguousarray(self.cells, dtype=np.int64)
        if pts.ndim != 2 or pts.shape[1] != 2:
            raise ValueError(f"points has shape {pts.shape}; it must be (n_nodes, 2)")
        if cells.ndim != 2 or cells.shape[1] not in (3, 4) or len(cells) == 0:
            raise ValueError(f"cells has shape {cells.shape}; it must be (n_cells, 3) "
                             "triangles or (n_cells, 4) quadrilaterals")
        if cells.min() < 0 or cells.max() >= len(pts):
            raise ValueError(f"cells refer to nodes outside 0..{len(pts) - 1}")
        materials = (np.zeros(len(cells), dtype=np.int64) if self.materials is None
                     else np.ascontiguousarray(self.materials, dtype=np.int64))
        if materials.shape != (len(cells),):
            raise ValueError(f"materials has shape {materials.shape}; it must be ({len(cells)},)")
        object.__setattr__(self, "points", pts)
        object.__setattr__(self, "cells", cells)
        object.__setattr__(self, "materials", materials)
        object.__setattr__(self, "boundary_edges",
                           np.asarray(self.boundary_edges, dtype=np.int64).reshape(-1, 2))
        object.__setattr__(self, "boundary_tags",
                           np.asarray(self.boundary_tags, dtype=np.int64).reshape(-1))
        object.__setattr__(self, "_cache", {})
        check_quality(pts, cells)

    @property
    def cell_type(self) -> str:
        """"triangle" or "quad" (meshio's names)."""
        return "triangle" if self.cells.shape[1] == 3 else "quad"

    @property
    def element(self) -> str:
        """"p1" or "q1"."""
        return "p1" if self.cells.shape[1] == 3 else "q1"

    @property
    def n_nodes(self) -> int:
        return len(self.points)

    @property
    def n_cells(self) -> int:
        return len(self.cells)

    def h(self) -> float:
        """The longest element edge [m]."""
        e = cell_edges(self.cells)
        return float(np.linalg.norm(self.points[e[:, 1]] - self.points[e[:, 0]], axis=1).max())

    def boundary_nodes(self, tags=None) -> np.ndarray:
        """Sorted nodes on the boundary edges with the given tags (names or ints; all if None)."""
        mask = self.edge_mask(tags)
        return np.unique(self.boundary_edges[mask])

    def edge_mask(self, tags=None) -> np.ndarray:
        """Boolean mask of the boundary edges carrying any of `tags` (names or ints)."""
        if tags is None:
            return np.ones(len(self.boundary_edges), dtype=bool)
        if isinstance(tags, (str, int, np.integer)):
            tags = [tags]
        ids = [self.tag_id(t) for t in tags]
        return np.isin(self.boundary_tags, ids)

    def tag_id(self, tag) -> int:
        """The integer boundary tag of a name or an int; unknown tags raise ``ValueError``."""
        present = set(np.unique(self.boundary_tags).tolist())
        if isinstance(tag, str):
            if tag not in self.tag_names:
                known = ", ".join(sorted(self.tag_names)) or "none"
                raise ValueError(f"boundary tag {tag!r} is not in the mesh; known tags: {known}")
            return int(self.tag_names[tag])
        if int(tag) not in present:
            raise ValueError(f"boundary tag {tag!r} is not in the mesh; tags present: "
                             f"{sorted(present)}")
        return int(tag)

    def centroids(self) -> np.ndarray:
        """(n_cells, 2) element centroids [m] (vertex means)."""
        return self.points[self.cells].mean(axis=1)

    def cached(self, key, build):
        """Memoise a mesh-derived quantity (sparsity pattern, point locator)."""
        cache = self._cache
        if key not in cache:
            cache[key] = build()
        return cache[key]

    def to_meshio_cells(self) -> list:
        """The ``[(cell_type, connectivity)]`` list meshio writers take."""
        return [(self.cell_type, self.cells)]


def _signed_areas(pts, cells):
    """Signed area of each triangle, or the smallest corner Jacobian of each quadrilateral."""
    x = pts[cells]
    if cells.shape[1] == 3:
        a, b, c = x[:, 0], x[:, 1], x[:, 2]
        return 0.5 * ((b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1])
                      - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1]))
    prev, nxt = np.roll(x, 1, axis=1), np.roll(x, -1, axis=1)
    e1, e2 = nxt - x, prev - x
    corner = e1[..., 0] * e2[..., 1] - e1[..., 1] * e2[..., 0]
    return corner.min(axis=1)


def check_quality(points: np.ndarray, cells: np.ndarray) -> None:
    """Raise ``ValueError`` naming the first inverted (clockwise or non-convex) or degenerate
    (zero-area) element."""
    s = _signed_areas(points, cells)
    d = points[cells] - points[cells].mean(axis=1, keepdims=True)
    size2 = (d ** 2).sum(axis=2).max(axis=1)  # squared element size
    tol = 1e-12 * size2
    bad = np.flatnonzero(np.abs(s) <= tol)
    if bad.size:
        e = int(bad[0])
        raise ValueError(f"element {e} (nodes {cells[e].tolist()}) is degenerate: zero area")
    bad = np.flatnonzero(s < 0)
    if bad.size:
        e = int(bad[0])
        what = "clockwise" if cells.shape[1] == 3 else "clockwise or non-convex"
        raise ValueError(f"element {e} (nodes {cells[e].tolist()}) is inverted: {what}, "
                         f"signed area {s[e]:.3g}")


def cell_edges(cells: np.ndarray) -> np.ndarray:
    """(n_cells · k, 2) edges of every cell, counter-clockwise, edge j of cell e at e·k + j."""
    return np.stack([cells, np.roll(cells, -1, axis=1)], axis=2).reshape(-1, 2)


def boundary_edges(cells: np.ndarray) -> np.ndarray:
    """(n_edges, 2) edges that belong to exactly one cell, oriented as in that cell."""
    e = cell_edges(cells)
    key = np.sort(e, axis=1)
    _, inv, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    return e[counts[inv.reshape(-1)] == 1]


def rectangle_mesh(nx: int, ny: int | None = None, *, element: str = "p1", lx: float = 1.0,
                   ly: float = 1.0, origin=(0.0, 0.0)) -> Mesh:
    """A structured mesh of the rectangle [x0, x0 + lx] × [y0, y0 + ly] with nx × ny squares,
    each split into two right triangles (``element="p1"``, diagonal from lower left to upper
    right) or kept as a quadrilateral (``"q1"``). Boundary tags: left, right, bottom, top."""
    ny = nx if ny is None else ny
    check_integer("nx", nx, 1)
    check_integer("ny", ny, 1)
    check_positive("lx", lx)
    check_positive("ly", ly)
    if element not in ("p1", "q1"):
        raise ValueError(f"element={element!r} must be 'p1' or 'q1'")
    x = origin[0] + np.linspace(0.0, lx, nx + 1)
    y = origin[1] + np.linspace(0.0, ly, ny + 1)
    X, Y = np.meshgrid(x, y, indexing="xy")
    points = np.column_stack([X.ravel(), Y.ravel()])
    node = np.arange((nx + 1) * (ny + 1)).reshape(ny + 1, nx + 1)
    a, b = node[:-1, :-1].ravel(), node[:-1, 1:].ravel()
    c, d = node[1:, 1:].ravel(), node[1:, :-1].ravel()
    if element == "q1":
        cells = np.column_stack([a, b, c, d])
    else:
        cells = np.stack([np.column_stack([a, b, c]), np.column_stack([a, c, d])],
                         axis=1).reshape(-1, 3)
    sides = {
        "bottom": np.column_stack([node[0, :-1], node[0, 1:]]),
        "right": np.column_stack([node[:-1, -1], node[1:, -1]]),
        "top": np.column_stack([node[-1, 1:], node[-1, :-1]]),
        "left": np.column_stack([node[1:, 0], node[:-1, 0]]),
    }
    edges = np.concatenate(list(sides.values()))
    tags = np.concatenate([np.full(len(v), RECTANGLE_TAGS[k]) for k, v in sides.items()])
    return Mesh(points, cells, edges, tags, dict(RECTANGLE_TAGS))


def unit_square_mesh(n: int, element: str = "p1") -> Mesh:
    """`rectangle_mesh` of the unit square with n × n squares (h = 1/n)."""
    return rectangle_mesh(n, n, element=element)


def mesh_from_meshio(m, *, orient: bool = True) -> Mesh:
    """A `Mesh` from a ``meshio.Mesh`` (read with `sciml.io.read_mesh`: Gmsh ``.msh``, XDMF,
    VTU, ...).

    The 2D cells must all be triangles or all quadrilaterals. Gmsh physical groups
    (``gmsh:physical`` cell data, names from ``field_data``) give material ids on the 2D cells
    and boundary tags on line cells; boundary edges not covered by a tagged line get tag 0.
    With `orient`, a mesh whose elements are all clockwise is renumbered counter-clockwise (a
    convention of some generators); a mix of orientations is an error naming the element.
    """
    blocks = [(i, b) for i, b in enumerate(m.cells) if b.type in CELL_TYPES]
    kinds = {b.type for _, b in blocks}
    if not blocks:
        found = sorted({b.type for b in m.cells})
        raise ValueError(f"the mesh has no triangle or quad cells (cell types: {found})")
    if len(kinds) > 1:
        raise ValueError("the mesh mixes triangles and quadrilaterals; use one element kind")
    pts = np.asarray(m.points, dtype=np.float64)
    if pts.shape[1] == 3:
        if np.abs(pts[:, 2]).max(initial=0.0) > 0:
            raise ValueError("the mesh is not planar: points have non-zero z")
        pts = pts[:, :2]
    cells = np.concatenate([b.data for _, b in blocks]).astype(np.int64)
    phys = m.cell_data.get("gmsh:physical")
    materials = (np.concatenate([np.asarray(phys[i]) for i, _ in blocks])
                 if phys is not None else None)
    if orient:
        s = _signed_areas(pts, cells) if cells.shape[1] == 3 else _quad_orientation(pts, cells)
        if (s < 0).all():
            cells = cells[:, ::-1].copy()
    # Unused nodes (e.g. Gmsh's geometry points) are dropped and the nodes renumbered.
    used = np.unique(cells)
    renum = np.full(len(pts), -1, dtype=np.int64)
    renum[used] = np.arange(used.size)
    edges = boundary_edges(cells)
    tags = np.zeros(len(edges), dtype=np.int64)
    names = {}
    for name, (tag, dim) in getattr(m, "field_data", {}).items():
        if int(dim) == 1:
            names[name] = int(tag)
    if phys is not None:
        key = {tuple(sorted(e)): i for i, e in enumerate(edges.tolist())}
        for i, b in enumerate(m.cells):
            if b.type != "line":
                continue
            for e, t in zip(b.data.tolist(), np.asarray(phys[i]).tolist(), strict=True):
                j = key.get(tuple(sorted(e)))
                if j is not None:
                    tags[j] = t
    mat_names = {n: int(t) for n, (t, d) in getattr(m, "field_data", {}).items() if int(d) == 2}
    return Mesh(pts[used], renum[cells], renum[edges], tags, names, materials, mat_names)


def _quad_orientation(pts, cells):
    """Twice the signed area of each quadrilateral (shoelace)."""
    x = pts[cells]
    nxt = np.roll(x, -1, axis=1)
    return (x[..., 0] * nxt[..., 1] - nxt[..., 0] * x[..., 1]).sum(axis=1)
