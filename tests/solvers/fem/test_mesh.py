"""Meshes: the structured generators, meshio conversion with Gmsh physical groups, and the
quality checks."""

import meshio
import numpy as np
import pytest

from solvers.fem import (
    Dirichlet,
    Mesh,
    WaveProblem,
    assemble,
    element_values,
    interpolation_matrix,
    mesh_from_meshio,
    rectangle_mesh,
    solve_wave,
)


@pytest.mark.parametrize("element, k", [("p1", 3), ("q1", 4)])
def test_rectangle_mesh(element, k):
    mesh = rectangle_mesh(4, 3, element=element, lx=2.0, ly=1.5)
    assert mesh.cells.shape == (12 * (2 if k == 3 else 1), k)
    assert mesh.n_nodes == 20
    assert len(mesh.boundary_edges) == 14
    assert set(mesh.tag_names) == {"left", "right", "bottom", "top"}
    np.testing.assert_allclose(mesh.points[mesh.boundary_nodes("right"), 0], 2.0)
    _, M, ml = assemble(mesh)
    assert M.sum() == pytest.approx(3.0) and ml.sum() == pytest.approx(3.0)


def _gmsh_square(tmp_path):
    """A unit square written as Gmsh 2.2 with two materials and two tagged boundary parts."""
    base = rectangle_mesh(6, element="p1")
    c = base.centroids()
    mats = np.where(c[:, 0] < 0.5, 1, 2)
    edges, tags = base.boundary_edges, base.boundary_tags
    lines = edges[tags == 1]  # left side
    rest = edges[tags != 1]
    m = meshio.Mesh(
        np.column_stack([base.points, np.zeros(base.n_nodes)]),
        [("triangle", base.cells[:, ::-1]), ("line", lines), ("line", rest)],
        cell_data={"gmsh:physical": [mats, np.full(len(lines), 7), np.full(len(rest), 8)],
                   "gmsh:geometrical": [mats, np.full(len(lines), 1), np.full(len(rest), 2)]},
        field_data={"soft": np.array([1, 2]), "stiff": np.array([2, 2]),
                    "inlet": np.array([7, 1]), "walls": np.array([8, 1])})
    path = tmp_path / "square.msh"
    meshio.write(path, m, file_format="gmsh22", binary=False)
    return meshio.read(path), base


def test_from_meshio_with_physical_groups(tmp_path):
    m, base = _gmsh_square(tmp_path)
    mesh = mesh_from_meshio(m)  # clockwise on file: renumbered counter-clockwise
    assert mesh.n_cells == base.n_cells and mesh.element == "p1"
    assert mesh.tag_names == {"inlet": 7, "walls": 8}
    np.testing.assert_allclose(mesh.points[mesh.boundary_nodes("inlet"), 0], 0.0)
    speed = element_values(mesh, {"soft": 1.0, "stiff": 3.0}, "speed")
    np.testing.assert_array_equal(speed == 3.0, mesh.centroids()[:, 0] > 0.5)
    K, M, _ = assemble(mesh)
    K0, M0, _ = assemble(base)
    assert abs(M.sum() - M0.sum()) < 1e-14
    sol = solve_wave(WaveProblem(mesh, speed=speed, boundary={"inlet": Dirichlet(0.0)},
                                 u0=lambda x, y: x), 0.2)
    assert np.abs(sol.u[:, mesh.boundary_nodes("inlet")]).max() == 0.0
    with pytest.raises(ValueError, match="material 'glass' is not in the mesh; known: soft, "):
        element_values(mesh, {"glass": 1.0}, "speed")
    with pytest.raises(ValueError, match="speed has no value for materials \\[2\\]"):
        element_values(mesh, {"soft": 1.0}, "speed")


def test_quality_checks_name_the_element():
    base = rectangle_mesh(3, element="p1")
    cells = base.cells.copy()
    cells[4] = cells[4][::-1]
    with pytest.raises(ValueError, match=r"element 4 \(nodes .*\) is inverted: clockwise"):
        Mesh(base.points, cells, base.boundary_edges, base.boundary_tags)
    pts = base.points.copy()
    pts[5] = pts[4] + 1e-15  # collapses the triangles around node 5 onto node 4
    with pytest.raises(ValueError, match=r"element \d+ \(nodes .*\) is degenerate: zero area"):
        Mesh(pts, base.cells, base.boundary_edges, base.boundary_tags)
    q = rectangle_mesh(2, element="q1")
    pts = q.points.copy()
    pts[4] = [1.2, 1.2]  # the centre node pushed outside: non-convex quads
    with pytest.raises(ValueError, match=r"element \d+ .* is inverted: clockwise or non-convex"):
        Mesh(pts, q.cells, q.boundary_edges, q.boundary_tags)


@pytest.mark.parametrize("element", ["p1", "q1"])
def test_interpolation_is_exact_for_linear_fields(element):
    mesh = rectangle_mesh(5, 4, element=element, lx=1.0, ly=2.0)
    rng = np.random.default_rng(0)
    p = mesh.points.copy()
    inner = (p[:, 0] > 0) & (p[:, 0] < 1) & (p[:, 1] > 0) & (p[:, 1] < 2)
    p[inner] += rng.uniform(-0.05, 0.05, (inner.sum(), 2))
    mesh = Mesh(p, mesh.cells, mesh.boundary_edges, mesh.boundary_tags, mesh.tag_names)
    xy = rng.uniform([0, 0], [1, 2], (50, 2))
    P = interpolation_matrix(mesh, xy)
    f = 3 * mesh.points[:, 0] - 2 * mesh.points[:, 1] + 1
    np.testing.assert_allclose(P @ f, 3 * xy[:, 0] - 2 * xy[:, 1] + 1, atol=1e-12)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-13)
