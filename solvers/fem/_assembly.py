"""Global FE matrices (stiffness, consistent and lumped mass, boundary mass), point location
and interpolation on a `Mesh`."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.sparse

from . import _kernels as kern
from ._mesh import Mesh, cell_edges

BACKENDS = ("numba", "numpy", "cuda")


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"backend={backend!r} must be one of {BACKENDS}")


def element_values(mesh: Mesh, value, name: str = "coefficient", *,
                   positive: bool = True) -> np.ndarray:
    """A per-element array from a scalar, an (n_cells,) array, a dict {material id or name:
    value} or a function ``value(x, y)`` evaluated at the element centroids. Values must be
    finite (and > 0 with `positive`); a bad one raises ``ValueError`` naming `name`."""
    if callable(value):
        c = mesh.centroids()
        out = np.broadcast_to(np.asarray(value(c[:, 0], c[:, 1]), dtype=np.float64),
                              (mesh.n_cells,)).copy()
    elif isinstance(value, dict):
        out = np.full(mesh.n_cells, np.nan)
        for key, v in value.items():
            mid = mesh.material_names.get(key, key) if isinstance(key, str) else key
            if isinstance(mid, str):
                known = ", ".join(sorted(mesh.material_names)) or "none"
                raise ValueError(f"{name}: material {key!r} is not in the mesh; known: {known}")
            out[mesh.materials == mid] = v
        missing = np.unique(mesh.materials[np.isnan(out)])
        if missing.size:
            raise ValueError(f"{name} has no value for materials {missing.tolist()}")
    else:
        arr = np.asarray(value, dtype=np.float64)
        if arr.ndim == 0:
            out = np.full(mesh.n_cells, float(arr))
        elif arr.shape == (mesh.n_cells,):
            out = arr.copy()
        else:
            raise ValueError(f"{name} has shape {arr.shape}; it must be a scalar or "
                             f"({mesh.n_cells},), one value per element")
    bad = ~np.isfinite(out) | ((out <= 0) if positive else False)
    if bad.any():
        e = int(np.flatnonzero(bad)[0])
        rng = "(0, inf)" if positive else "finite"
        raise ValueError(f"{name}={float(out[e])!r} on element {e} is outside the valid "
                         f"range {rng}")
    return out


def element_matrices(mesh: Mesh, k_coef, m_coef, *, backend: str = "numba"):
    """Element stiffness and mass values, (n_cells, k²) each, for per-element coefficients
    (`backend` "cuda": computed on the GPU by numba.cuda, one thread per element)."""
    _check_backend(backend)
    args = (mesh.points, mesh.cells, np.asarray(k_coef, float), np.asarray(m_coef, float))
    if backend == "cuda":
        from . import _cuda

        if mesh.element == "p1":
            return _cuda.p1_element_matrices_cuda(*args)
        return _cuda.q1_element_matrices_cuda(*args, kern.Q1_N, kern.Q1_DN)
    if mesh.element == "p1":
        f = kern.p1_element_matrices if backend == "numba" else kern.p1_element_matrices_numpy
        return f(*args)
    f = kern.q1_element_matrices if backend == "numba" else kern.q1_element_matrices_numpy
    return f(*args, kern.Q1_N, kern.Q1_DN)


def _global(mesh: Mesh, values: np.ndarray, backend: str) -> scipy.sparse.csr_matrix:
    # the scatter into CSR stays on the CPU for "cuda" (the element values come back)
    if backend == "numpy":
        return kern.assemble_numpy(mesh.cells, values, mesh.n_nodes)
    indptr, indices, emap = mesh.cached("csr_pattern",
                                        lambda: kern.csr_pattern(mesh.cells, mesh.n_nodes))
    data = kern.scatter(emap, values, len(indices))
    n = mesh.n_nodes
    return scipy.sparse.csr_matrix((data, indices, indptr), shape=(n, n))


def assemble(mesh: Mesh, k_coef=1.0, m_coef=1.0, *, backend: str = "numba"):
    """Stiffness K (∫ k ∇φi·∇φj), consistent mass M (∫ m φi φj) as CSR matrices, and the
    lumped (row-sum) mass as an array, in one pass over the elements."""
    k = element_values(mesh, k_coef, "k_coef")
    m = element_values(mesh, m_coef, "m_coef")
    Ke, Me = element_matrices(mesh, k, m, backend=backend)
    K = _global(mesh, Ke, backend)
    M = _global(mesh, Me, backend)
    return K, M, np.asarray(M.sum(axis=1)).ravel()


def stiffness_matrix(mesh: Mesh, coefficient=1.0, *, backend: str = "numba"):
    """∫ coefficient ∇φi·∇φj (CSR); `coefficient` as in `element_values`."""
    k = element_values(mesh, coefficient, "coefficient")
    Ke, _ = element_matrices(mesh, k, np.ones(mesh.n_cells), backend=backend)
    return _global(mesh, Ke, backend)


def mass_matrix(mesh: Mesh, coefficient=1.0, *, lumped: bool = False, backend: str = "numba"):
    """∫ coefficient φi φj (CSR), or its row sums (an array) with `lumped`."""
    m = element_values(mesh, coefficient, "coefficient")
    _, Me = element_matrices(mesh, np.ones(mesh.n_cells), m, backend=backend)
    M = _global(mesh, Me, backend)
    return np.asarray(M.sum(axis=1)).ravel() if lumped else M


def boundary_cells(mesh: Mesh) -> np.ndarray:
    """The element each boundary edge belongs to."""
    def build():
        n = mesh.n_nodes
        c = mesh.cells
        e = cell_edges(c)
        key = np.minimum(e[:, 0], e[:, 1]) * n + np.maximum(e[:, 0], e[:, 1])
        order = np.argsort(key)
        b = mesh.boundary_edges
        bkey = np.minimum(b[:, 0], b[:, 1]) * n + np.maximum(b[:, 0], b[:, 1])
        pos = np.searchsorted(key[order], bkey)
        if (pos >= len(key)).any() or (key[order][np.minimum(pos, len(key) - 1)] != bkey).any():
            raise ValueError("boundary_edges contain an edge that is not an element edge")
        return order[pos] // c.shape[1]
    return mesh.cached("boundary_cells", build)


def boundary_mass(mesh: Mesh, mask: np.ndarray, edge_coef: np.ndarray | float = 1.0
                  ) -> np.ndarray:
    """Lumped boundary mass ∫_Γ w φi ds over the boundary edges selected by `mask` (half the
    edge length times its coefficient to each end node), as an (n_nodes,) array."""
    b = mesh.boundary_edges[mask]
    w = np.broadcast_to(np.asarray(edge_coef, dtype=np.float64), (len(mesh.boundary_edges),))
    length = np.linalg.norm(mesh.points[b[:, 1]] - mesh.points[b[:, 0]], axis=1)
    out = np.zeros(mesh.n_nodes)
    half = 0.5 * length * w[mask]
    np.add.at(out, b[:, 0], half)
    np.add.at(out, b[:, 1], half)
    return out


# --- point location and interpolation ---------------------------------------------------------

def _triangulation(mesh: Mesh):
    """A matplotlib triangulation of the mesh (quads split in two) and the element of each
    triangle; its trapezoid-map finder locates points in O(log n)."""
    import matplotlib.tri as mtri

    def build():
        c = mesh.cells
        if mesh.element == "p1":
            tris, owner = c, np.arange(mesh.n_cells)
        else:
            tris = np.concatenate([c[:, [0, 1, 2]], c[:, [0, 2, 3]]])
            owner = np.concatenate([np.arange(mesh.n_cells)] * 2)
        t = mtri.Triangulation(mesh.points[:, 0], mesh.points[:, 1], tris)
        return t, t.get_trifinder(), owner
    return mesh.cached("triangulation", build)


def _q1_local(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Reference coordinates (ξ, η) of points p (n, 2) in quads with corners x (n, 4, 2), by
    Newton's method on the bilinear map."""
    xi = np.zeros((len(p), 2))
    a = kern._Q1_NODES
    for _ in range(30):
        N = 0.25 * (1 + xi[:, :1] * a[None, :, 0]) * (1 + xi[:, 1:] * a[None, :, 1])
        dN = np.stack([0.25 * a[None, :, 0] * (1 + xi[:, 1:] * a[None, :, 1]),
                       0.25 * a[None, :, 1] * (1 + xi[:, :1] * a[None, :, 0])], axis=2)
        r = np.einsum("na,nai->ni", N, x) - p
        J = np.einsum("nai,naj->nij", x, dN)
        step = np.linalg.solve(J, r[..., None])[..., 0]
        xi -= step
        if np.abs(step).max(initial=0.0) < 1e-14:
            break
    return xi


def interpolation_matrix(mesh: Mesh, xy, *, outside: str = "error") -> scipy.sparse.csr_matrix:
    """The sparse (n_points, n_nodes) matrix whose product with nodal values gives the FE field
    at the points `xy` (n_points, 2): P1 barycentric or Q1 bilinear weights. Its rows are the
    load vectors of unit point sources. Points outside the mesh raise ``ValueError`` naming
    the first one (``outside="zero"`` gives them a zero row)."""
    xy = np.atleast_2d(np.asarray(xy, dtype=np.float64))
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"points have shape {xy.shape}; they must be (n, 2)")
    if outside not in ("error", "zero"):
        raise ValueError(f"outside={outside!r} must be 'error' or 'zero'")
    tri, finder, owner = _triangulation(mesh)
    t = finder(xy[:, 0], xy[:, 1])
    missing = np.flatnonzero(t < 0)
    if missing.size and outside == "error":
        i = int(missing[0])
        raise ValueError(f"point {i} at ({xy[i, 0]:g}, {xy[i, 1]:g}) is outside the mesh")
    inside = np.flatnonzero(t >= 0)
    cell = owner[t[inside]]
    nodes = mesh.cells[cell]
    x = mesh.points[nodes]
    p = xy[inside]
    if mesh.element == "p1":
        d1, d2, dp = x[:, 1] - x[:, 0], x[:, 2] - x[:, 0], p - x[:, 0]
        det = d1[:, 0] * d2[:, 1] - d2[:, 0] * d1[:, 1]
        l1 = (dp[:, 0] * d2[:, 1] - d2[:, 0] * dp[:, 1]) / det
        l2 = (d1[:, 0] * dp[:, 1] - dp[:, 0] * d1[:, 1]) / det
        w = np.column_stack([1 - l1 - l2, l1, l2])
    else:
        xi = _q1_local(x, p)
        a = kern._Q1_NODES
        w = 0.25 * (1 + xi[:, :1] * a[None, :, 0]) * (1 + xi[:, 1:] * a[None, :, 1])
    k = nodes.shape[1]
    rows = np.repeat(inside, k)
    return scipy.sparse.csr_matrix((w.ravel(), (rows, nodes.ravel())),
                                   shape=(len(xy), mesh.n_nodes))


def grid_interpolator(mesh: Mesh, nx: int, ny: int | None = None, bounds=None
                      ) -> tuple[scipy.sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Interpolation from the mesh to a regular nx × ny node grid over `bounds` ((x0, x1),
    (y0, y1); default the mesh's bounding box): (matrix, x, y); a field on the grid is
    ``(P @ u).reshape(ny, nx)``. Grid nodes outside the mesh get 0."""
    ny = nx if ny is None else ny
    if bounds is None:
        lo, hi = mesh.points.min(axis=0), mesh.points.max(axis=0)
        bounds = ((lo[0], hi[0]), (lo[1], hi[1]))
    x = np.linspace(*bounds[0], nx)
    y = np.linspace(*bounds[1], ny)
    X, Y = np.meshgrid(x, y)
    # Nodes on the outer boundary can fall a rounding error outside; nudge them inwards.
    eps = 1e-12 * max(bounds[0][1] - bounds[0][0], bounds[1][1] - bounds[1][0])
    pts = np.column_stack([np.clip(X.ravel(), bounds[0][0] + eps, bounds[0][1] - eps),
                           np.clip(Y.ravel(), bounds[1][0] + eps, bounds[1][1] - eps)])
    return interpolation_matrix(mesh, pts, outside="zero"), x, y


def power_iteration(K: scipy.sparse.spmatrix, d: np.ndarray, *, tol: float = 1e-6,
                    max_iter: int = 500, seed: int = 0) -> float:
    """Estimate of the largest eigenvalue of D⁻¹ K (D = diag(d) > 0) by power iteration on the
    symmetric D^(-1/2) K D^(-1/2); the Rayleigh quotient converges from below."""
    s = 1.0 / np.sqrt(d)
    x = np.random.default_rng(seed).standard_normal(len(d))
    x /= np.linalg.norm(x)
    lam = 0.0
    for _ in range(max_iter):
        y = s * (K @ (s * x))
        new = float(x @ y)
        ny = np.linalg.norm(y)
        if ny == 0.0:
            return 0.0
        x = y / ny
        if abs(new - lam) <= tol * abs(new):
            return new
        lam = new
    return lam


def stable_dt(K, ml: np.ndarray, free: np.ndarray | None = None) -> float:
    """The leapfrog (central difference) stability limit 2/√λ_max(M_L⁻¹ K) on the free dofs."""
    if free is not None:
        K = K[free][:, free]
        ml = ml[free]
    lam = power_iteration(K, ml)
    return 2.0 / math.sqrt(lam) if lam > 0 else math.inf


def evaluate_nodal(mesh: Mesh, value, name: str, t: float | None = None) -> np.ndarray:
    """Nodal values from a scalar, an (n_nodes,) array or a function of (x, y) [or (x, y, t)]."""
    if value is None:
        return np.zeros(mesh.n_nodes)
    if isinstance(value, Callable):
        x, y = mesh.points[:, 0], mesh.points[:, 1]
        v = value(x, y) if t is None else value(x, y, t)
    else:
        v = value
    arr = np.broadcast_to(np.asarray(v, dtype=np.float64), (mesh.n_nodes,)) \
        if np.ndim(v) == 0 else np.asarray(v, dtype=np.float64)
    if arr.shape != (mesh.n_nodes,):
        raise ValueError(f"{name} has shape {arr.shape}; it must be ({mesh.n_nodes},), "
                         "one value per node")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} has non-finite values")
    return np.array(arr, dtype=np.float64)
