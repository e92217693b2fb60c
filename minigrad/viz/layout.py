"""A layered drawing of a graph in which no edge passes through a box and no two edges lie on each other.

Pure geometry (inches, y growing downwards), no matplotlib, so tests can check what it computes. The method is the
classic one of Sugiyama et al. (1981), kept small:

1. Layers: every box one column right of its rightmost input, then moved right as far as its consumers allow, so
   a weight (and its transpose) sits beside the op that uses it and a constant beside its op.
2. An edge spanning several columns gets one waypoint ("lane") in every column it crosses. A lane is a slot of its
   own in that column, so the edge runs through the gap between two boxes, never through one.
3. Within each column, boxes and lanes are ordered by the mean position of their neighbours (a few sweeps left to
   right and back), which removes most crossings.
4. Heights: each column is placed as close as possible to its neighbours' heights while keeping a minimum gap
   between consecutive slots (an isotonic regression, solved exactly by pooling adjacent violators).
5. Ports: the edges leaving a box start at distinct points of its right side, the edges entering it end at distinct
   points of its left side (input 0 on top), so ``x * x`` shows two arrows and a fan-out shows every use.

An edge is a polyline: a horizontal stub from its port to the column's border, straight segments across the gaps
between columns, and a horizontal run through each lane.
"""
from dataclasses import dataclass

GAP_X = 0.9      # inches between two columns, where edges cross over
GAP_Y = 0.3      # inches between two boxes of a column
LANE_GAP = 0.12  # inches between a lane and its neighbour in the column
SWEEPS = 4


@dataclass
class Layout:
    boxes: list       # (left, top, right, bottom) per node, inches, y downwards
    edges: list       # one polyline [(x, y), ...] per edge, from the source's right side to the target's left side
    width: float
    height: float
    layers: list      # column of each node


def layered_layout(sizes, edges):
    """Place boxes of ``sizes`` [(width, height)] and route ``edges`` [(source, target)], in inches.

    Edges into one target are listed in argument order (the same pair may repeat: ``x * x``)."""
    n = len(sizes)
    layer = _layers(n, edges)
    columns, chains = _lanes(layer, edges, n)
    _order(columns, chains)
    slot_height = [h for _, h in sizes] + [0.0] * (sum(len(c) for c in columns) - n)
    ys = _heights(columns, chains, slot_height, n)
    widths = [max([sizes[i][0] for i in column if i < n], default=0.3) for column in columns]
    centers, x = [], 0.0
    for w in widths:
        centers.append(x + w / 2)
        x += w + GAP_X
    boxes = [(centers[layer[i]] - w / 2, ys[i] - h / 2, centers[layer[i]] + w / 2, ys[i] + h / 2)
             for i, (w, h) in enumerate(sizes)]
    column_of = {item: c for c, column in enumerate(columns) for item in column}
    borders = [(cx - w / 2, cx + w / 2) for cx, w in zip(centers, widths)]
    starts, ends = _ports(edges, chains, boxes, ys)
    polylines = []
    for e, chain in enumerate(chains):
        points = [(boxes[chain[0]][2], starts[e]), (borders[layer[chain[0]]][1], starts[e])]
        for lane in chain[1:-1]:
            left, right = borders[column_of[lane]]
            points += [(left, ys[lane]), (right, ys[lane])]
        points += [(borders[layer[chain[-1]]][0], ends[e]), (boxes[chain[-1]][0], ends[e])]
        polylines.append([p for k, p in enumerate(points) if k == 0 or p != points[k - 1]])
    top = min([b[1] for b in boxes] + [ys[i] for i in range(n, len(ys))], default=0.0)
    bottom = max([b[3] for b in boxes] + [ys[i] for i in range(n, len(ys))], default=0.0)
    shift = -top
    boxes = [(l, t + shift, r, b + shift) for l, t, r, b in boxes]
    polylines = [[(px, py + shift) for px, py in line] for line in polylines]
    return Layout(boxes, polylines, x - GAP_X, bottom - top, layer)


def _layers(n, edges):
    """Longest path from the sources (Kahn's order, so cycles are reported instead of looping)."""
    preds, succs = [[] for _ in range(n)], [[] for _ in range(n)]
    for u, v in edges:
        preds[v].append(u)
        succs[u].append(v)
    remaining = [len(set(p)) for p in preds]
    ready = [i for i in range(n) if remaining[i] == 0]
    order = []
    while ready:
        u = ready.pop(0)
        order.append(u)
        for v in dict.fromkeys(succs[u]):
            remaining[v] -= 1
            if remaining[v] == 0:
                ready.append(v)
    if len(order) != n:
        raise ValueError("layered_layout: the graph has a cycle")
    layer = [0] * n
    for v in order:
        layer[v] = max((layer[u] + 1 for u in preds[v]), default=0)
    for u in reversed(order):       # then as far right as possible: a weight and its transpose sit by their matmul
        if succs[u]:
            layer[u] = min(layer[v] for v in succs[u]) - 1
    return layer


def _lanes(layer, edges, n):
    """Columns of node and lane ids (lanes numbered from n), and each edge's chain source, lanes..., target."""
    columns = [[] for _ in range(max(layer, default=0) + 1)]
    for i in range(n):
        columns[layer[i]].append(i)
    chains, next_id = [], n
    for u, v in edges:
        chain = [u]
        for c in range(layer[u] + 1, layer[v]):
            columns[c].append(next_id)
            chain.append(next_id)
            next_id += 1
        chains.append(chain + [v])
    return columns, chains


def _neighbours(chains):
    before, after = {}, {}
    for chain in chains:
        for a, b in zip(chain, chain[1:]):
            after.setdefault(a, []).append(b)
            before.setdefault(b, []).append(a)
    return before, after


def _order(columns, chains):
    """Barycentre sweeps: sort each column by the mean rank of its neighbours in the previous column."""
    before, after = _neighbours(chains)
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        sequence = range(1, len(columns)) if forward else range(len(columns) - 2, -1, -1)
        links = before if forward else after
        for c in sequence:
            rank = {item: k for k, item in enumerate(columns[c - 1 if forward else c + 1])}
            current = {item: k for k, item in enumerate(columns[c])}

            def key(item):
                ranks = [rank[other] for other in links.get(item, ()) if other in rank]
                return sum(ranks) / len(ranks) if ranks else current[item]
            columns[c].sort(key=key)


def _heights(columns, chains, slot_height, n):
    """Centre height of every slot: as near the mean of its neighbours as the minimum gaps allow."""
    before, after = _neighbours(chains)
    # Looking left, a box follows its inputs that have inputs themselves, and boxes without inputs (constants,
    # weights) weigh little when two slots want the same height: the main chain of an expression stays straight and
    # the leaves sit beside it instead of pulling it sideways.
    leading = {i: [o for o in inputs if o in before] or inputs for i, inputs in before.items()}
    ys = [0.0] * len(slot_height)
    for column in columns:
        _fit(column, [0.0] * len(column), slot_height, n, ys)
    for sweep in range(SWEEPS):
        links = leading if sweep % 2 == 0 else after
        sequence = columns if sweep % 2 == 0 else columns[::-1]
        for column in sequence:
            targets = [sum(ys[o] for o in links[i]) / len(links[i]) if links.get(i) else ys[i] for i in column]
            _fit(column, targets, slot_height, n, ys, [1.0 if i in before else 0.05 for i in column])
    return ys


def _fit(column, targets, slot_height, n, ys, weights=None):
    """Weighted least-squares heights for ``column`` near ``targets`` with y[k+1] - y[k] >= the gap between slots
    k and k+1 (pool adjacent violators on z = y - offset, which must not decrease)."""
    offsets, total = [], 0.0
    for k, item in enumerate(column):
        if k:
            previous = column[k - 1]
            gap = GAP_Y if previous < n and item < n else LANE_GAP
            total += slot_height[previous] / 2 + gap + slot_height[item] / 2
        offsets.append(total)
    blocks = []       # [weighted mean of z, total weight, number of slots]
    for target, offset, weight in zip(targets, offsets, weights or [1.0] * len(column)):
        blocks.append([target - offset, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            value, w, count = blocks.pop()
            mean, w0, count0 = blocks[-1]
            blocks[-1] = [(mean * w0 + value * w) / (w0 + w), w0 + w, count0 + count]
    z = [value for value, _, count in blocks for _ in range(count)]
    for item, zk, offset in zip(column, z, offsets):
        ys[item] = zk + offset


def _ports(edges, chains, boxes, ys):
    """Where each edge leaves its source and enters its target: distinct points spread over the box's side."""
    leaving, entering = {}, {}
    for e, (u, v) in enumerate(edges):
        leaving.setdefault(u, []).append(e)
        entering.setdefault(v, []).append(e)
    starts, ends = [0.0] * len(edges), [0.0] * len(edges)
    for u, out in leaving.items():
        out.sort(key=lambda e: (ys[chains[e][1]], e))
        _spread(out, boxes[u], starts)
    for v, incoming in entering.items():
        _spread(incoming, boxes[v], ends)
    return starts, ends


def _spread(edge_ids, box, where):
    top, bottom = box[1], box[3]
    for k, e in enumerate(edge_ids):
        where[e] = top + (bottom - top) * (k + 1) / (len(edge_ids) + 1)
