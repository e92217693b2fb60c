"""The graph viewer: the geometry its layout computes (no edge through a box, no edges on top of each other, one
port per use), the kinds of box, one box per module, PNG and SVG, and the backward film."""
import random

import numpy as np
import pytest
from PIL import Image

import minigrad as mg
from minigrad import nn
from minigrad.viz import draw_trace, graph_layout
from minigrad.viz.layout import layered_layout

EPS = 1e-9


def crosses_interior(p, q, box):
    """Does segment p-q meet the open interior of box (left, top, right, bottom)? (Liang-Barsky clipping.)"""
    left, top, right, bottom = box[0] + 1e-6, box[1] + 1e-6, box[2] - 1e-6, box[3] - 1e-6
    (x0, y0), (x1, y1) = p, q
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for step, distance in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if abs(step) < EPS:
            if distance < 0:
                return False
            continue
        t = distance / step
        if step < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
    return t0 < t1


def overlap(s, r):
    """Length shared by two segments (0 unless they are collinear and overlap)."""
    (a, b), (c, d) = s, r
    direction = np.subtract(b, a)
    length = np.hypot(*direction)
    if length < EPS:
        return 0.0
    unit = direction / length
    for point in (c, d):
        offset = np.subtract(point, a)
        if abs(unit[0] * offset[1] - unit[1] * offset[0]) > 1e-7:
            return 0.0
    lo, hi = sorted((np.dot(np.subtract(c, a), unit), np.dot(np.subtract(d, a), unit)))
    return max(0.0, min(length, hi) - max(0.0, lo))


def check_geometry(layout, edges):
    boxes = layout.boxes
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert min(a[2], b[2]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[1], b[1]), "boxes overlap"
    segments = []
    for e, ((u, v), line) in enumerate(zip(edges, layout.edges)):
        assert abs(line[0][0] - boxes[u][2]) < 1e-9 and boxes[u][1] < line[0][1] < boxes[u][3], "leaves its source"
        assert abs(line[-1][0] - boxes[v][0]) < 1e-9 and boxes[v][1] < line[-1][1] < boxes[v][3], "enters its target"
        for p, q in zip(line, line[1:]):
            assert q[0] > p[0] - EPS, "edges run left to right"
            for k, box in enumerate(boxes):
                assert not crosses_interior(p, q, box), f"edge {e} ({u}->{v}) passes through box {k}"
            segments.append((e, (p, q)))
    for i, (e, s) in enumerate(segments):
        for f, r in segments[i + 1:]:
            if e != f:
                assert overlap(s, r) < 1e-6, f"edges {e} and {f} lie on each other"
    starts = [line[0] for line in layout.edges]
    ends = [line[-1] for line in layout.edges]
    assert len(set(starts)) == len(starts) and len(set(ends)) == len(ends), "two edges share a port"


def test_the_issue_example_x_cos_pi_x():
    x = mg.tensor([0.5, 1.0, 2.0], requires_grad=True)
    x.name = "x"
    y = (x * mg.cos(np.pi * x)).sum()
    graph, layout = graph_layout(y)
    check_geometry(layout, graph.edges)
    titles = [b.title for b in graph.boxes]
    x_box = titles.index("x")
    assert sum(u == x_box for u, _ in graph.edges) == 2        # fan-out: x is used twice, drawn twice
    kinds = {b.title: b.kind for b in graph.boxes}
    assert kinds["x"] == "leaf" and kinds["3.142"] == "constant" and kinds[titles[-1]] == "op"
    # the long edge x -> second mul runs through lanes: more than the 4 points of a direct edge
    second_mul = titles.index("mul#4")
    long_edge = graph.edges.index((x_box, second_mul))
    assert len(layout.edges[long_edge]) > 4


def test_x_times_x_draws_two_distinct_arrows():
    x = mg.tensor(2.0, requires_grad=True)
    graph, layout = graph_layout(x * x)
    assert graph.edges == [(0, 1), (0, 1)]
    check_geometry(layout, graph.edges)


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_keep_edges_out_of_boxes(seed):
    rng = random.Random(seed)
    n = rng.randint(2, 16)
    sizes = [(rng.uniform(0.4, 2.0), rng.uniform(0.2, 0.9)) for _ in range(n)]
    edges = [(rng.randrange(v), v) for v in range(1, n) for _ in range(rng.choice([1, 1, 2, 3]))]
    edges += [(u, v) for u in range(n) for v in range(u + 2, n) if rng.random() < 0.08]
    layout = layered_layout(sizes, edges)
    check_geometry(layout, edges)
    for (u, v) in edges:
        assert layout.layers[u] < layout.layers[v]


def test_a_cycle_is_refused():
    with pytest.raises(ValueError, match="cycle"):
        layered_layout([(1, 1), (1, 1)], [(0, 1), (1, 0)])


def lenet_loss():
    mg.manual_seed(0)
    net = nn.lenet()
    images = mg.randn(2, 1, 28, 28)
    images.name = "images"
    return net, nn.CrossEntropyLoss()(net(images), mg.tensor(np.array([3, 7])))


def test_lenet_by_module_is_twelve_layers_and_the_loss():
    net, loss = lenet_loss()
    graph, layout = graph_layout(loss, by_module=True)
    check_geometry(layout, graph.edges)
    modules = [b for b in graph.boxes if b.kind == "module"]
    assert [b.title for b in modules] == [f"{k} {type(m).__name__}" for k, m in enumerate(net)] + ["CrossEntropyLoss"]
    assert [b.title for b in graph.boxes if b.kind != "module"] == ["images"]
    assert "conv2d" in modules[0].lines[0] and "param 0.weight (6, 1, 5, 5)" in modules[0].lines
    assert "matmul" in modules[7].lines[0] and "param 7.bias (120,)" in modules[7].lines
    assert len(graph.edges) == 13          # a chain: images -> 0 -> 1 -> ... -> 11 -> loss
    every_tensor = {id(t) for b in graph.boxes for t in b.tensors}
    assert len(every_tensor) == sum(len(b.tensors) for b in graph.boxes)   # each tensor in exactly one box


def test_a_layer_used_twice_gets_a_box_per_use():
    shared = nn.Linear(3, 3)
    net = nn.Sequential(shared, nn.Tanh(), shared)
    loss = net(mg.tensor(np.ones((2, 3), dtype=np.float32))).sum()
    graph, layout = graph_layout(loss, by_module=True)
    check_geometry(layout, graph.edges)
    assert [b.title for b in graph.boxes if b.kind == "module"] == ["2 Linear", "1 Tanh", "2 Linear"]
    first, tanh, second = [k for k, b in enumerate(graph.boxes) if b.kind == "module"]
    assert "param 2.weight (3, 3)" in graph.boxes[first].lines           # the weights sit with their first use ...
    assert not any(line.startswith("param") for line in graph.boxes[second].lines)
    assert {(first, tanh), (tanh, second), (first, second)} <= set(graph.edges)   # ... and feed the second one


def test_lenet_tensor_graph_names_parameters_and_shows_the_images():
    net, loss = lenet_loss()
    graph, layout = graph_layout(loss)
    check_geometry(layout, graph.edges)
    leaves = [b.title for b in graph.boxes if b.kind == "leaf"]
    assert leaves == [name for name, _ in net.named_parameters()]
    assert [b.title for b in graph.boxes if b.kind == "input"] == ["images"]
    longest = [0] * len(graph.boxes)            # boxes come parents first, so one pass finds the longest path
    for u, v in sorted(graph.edges, key=lambda edge: edge[1]):
        longest[v] = max(longest[v], longest[u] + 1)
    per_column = [layout.layers.count(c) for c in set(layout.layers)]
    assert len(per_column) == max(longest) + 1     # as few columns as the longest path allows ...
    assert max(per_column) >= 3                    # ... with a weight beside its op, not one long row


def test_boxes_show_values_and_gradients_from_an_independent_computation():
    x = mg.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    x.name = "x"
    y = (x * x).sum()
    graph, _ = graph_layout(y)
    assert "grad [2, 4]" in graph.boxes[0].lines       # d(sum x^2)/dx = 2x
    assert "value [1, 2]" in graph.boxes[0].lines
    assert x.grad is None


def test_png_and_svg(tmp_path):
    x = mg.tensor(2.0, requires_grad=True)
    y = mg.sin(x) * x
    mg.draw_graph(y, tmp_path / "g.png")
    mg.draw_graph(y, tmp_path / "g.svg")
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "g.svg").read_bytes()[:2000]
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        mg.draw_graph(y, tmp_path / "g.jpg")


def test_a_graph_too_large_to_draw_is_refused_clearly(tmp_path):
    x = mg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(400):
        y = y * 1.001
    with pytest.raises(ValueError, match="by_module=True"):
        mg.draw_graph(y, tmp_path / "long.png")
    assert not (tmp_path / "long.png").exists()
    assert len(mg.graph_table(y).splitlines()) == 1 + 801     # the table still lists every tensor


def test_backward_film_has_one_frame_per_step_and_a_gif(tmp_path):
    x = mg.tensor(3.0, requires_grad=True)
    walk = mg.autograd.trace(x * x + x)
    files = draw_trace(walk, tmp_path)
    frames = [f for f in files if f.endswith(".png")]
    assert len(frames) == len(walk.steps) + 1 == 4
    with Image.open(files[-1]) as gif:
        assert gif.format == "GIF" and gif.n_frames == 4
    with Image.open(frames[0]) as first, Image.open(frames[-1]) as last:
        assert first.size == last.size
        assert np.asarray(first.convert("L")).tolist() != np.asarray(last.convert("L")).tolist()
