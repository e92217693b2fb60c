"""L-BFGS (Nocedal 1980; Liu & Nocedal 1989) with an optional strong-Wolfe line search, as torch.optim.LBFGS."""
from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd import enable_grad, no_grad
from .optimizer import LearningRate, Optimizer, Params, check_number
from .options import value_of
from .state_checks import as_count, as_float

LINE_SEARCHES = (None, "strong_wolfe")


class LBFGS(Optimizer):
    """L-BFGS: a quasi-Newton method. It approximates the inverse Hessian from the last `history_size` pairs
    (s, y) of parameter steps and gradient changes, and steps along that approximation's direction. One `step(closure)`
    runs up to `max_iter` iterations, calling `closure` (which recomputes the loss and its gradients) as it needs.

    All parameters are handled as one flat vector x with gradient g. Each iteration k:

        if k = 1 (the very first):  d ← −g,  H₀ ← 1
        else:   y ← g − g_prev,  s ← t·d                       (the last step)
                if y·s > 1e-10: keep (s, y), ρ ← 1/(y·s), drop the oldest beyond history_size;  H₀ ← y·s / y·y
                d ← −H·g by the two-loop recursion:
                    q ← −g;  for i newest → oldest:  α_i ← ρ_i·s_i·q,  q ← q − α_i·y_i
                    r ← H₀·q;  for i oldest → newest:  β ← ρ_i·y_i·r,  r ← r + (α_i − β)·s_i
                    d ← r
        t ← min(1, 1/Σ|g|)·lr at the very first iteration, else lr
        stop if g·d > −tolerance_change (d is no descent direction)
        line_search_fn None:            x ← x + t·d, then the loss and gradient at x (one closure call)
        line_search_fn 'strong_wolfe':  t is chosen so that the loss falls enough and |g·d| shrinks enough
                                        (Wolfe's conditions, c1 = 1e-4, c2 = 0.9), by bracketing and cubic
                                        interpolation; then x ← x + t·d
        stop after max_iter iterations or max_eval closure calls, when max|g| ≤ tolerance_grad, when
        max|t·d| ≤ tolerance_change or when the loss changed by less than tolerance_change.

    The history (state 'old_dirs' = y's, 'old_stps' = s's, 'ro', 'H_diag', 'd', 't', 'prev_flat_grad', ...) is
    kept in the state of the first parameter, as PyTorch keeps it, so it carries over from one `step` to the next.
    One parameter group only.
    """

    def __init__(self, params: Params, lr: LearningRate = 1, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if isinstance(max_iter, int) and not isinstance(max_iter, bool) and max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))
        self._params = self.param_groups[0]["params"]

    def add_param_group(self, param_group):
        """Only the first group: a second one, once the checks every optimizer makes have passed, is taken back and
        refused (LBFGS optimizes all its parameters as one vector)."""
        super().add_param_group(param_group)
        if len(self.param_groups) > 1:
            self.param_groups.pop()
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups): it optimizes all "
                             "parameters as one vector")

    def _check_group(self, group):
        super()._check_group(group)
        for name in ("max_iter", "max_eval", "history_size"):
            if isinstance(group[name], bool) or not isinstance(group[name], (int, np.integer)) or group[name] < 1:
                raise ValueError(f"Invalid {name}: {group[name]!r} (must be a whole number ≥ 1)")
        check_number("tolerance_grad", group["tolerance_grad"], low=0.0)
        check_number("tolerance_change", group["tolerance_change"], low=0.0)
        if group["line_search_fn"] not in LINE_SEARCHES:
            raise ValueError(f"Invalid line_search_fn: {group['line_search_fn']!r} (only None and 'strong_wolfe' "
                             "are supported)")

    # ---- the parameters as one flat vector ---------------------------------------------------------------

    def _flat_grad(self):
        return np.concatenate([np.zeros(p._array.size, p._array.dtype) if p.grad is None
                               else p.grad._array.reshape(-1) for p in self._params])

    def _add_to_params(self, step_size, direction):
        """x ← x + step_size·direction."""
        offset = 0
        for p in self._params:
            n = p._array.size
            p._array += step_size * direction[offset:offset + n].reshape(p._array.shape)
            offset += n

    def _directional_evaluate(self, closure, x, t, d):
        """The loss and gradient at x + t·d (the parameters are put back to x afterwards)."""
        self._add_to_params(t, d)
        loss = float(closure())
        flat_grad = self._flat_grad()
        for p, saved in zip(self._params, x):
            p._array[...] = saved
        return loss, flat_grad

    # ---- the step ------------------------------------------------------------------------------------------

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Up to max_iter L-BFGS iterations; returns the loss `closure` gave at the start."""
        if closure is None:
            raise TypeError("LBFGS.step needs a closure: a function that zeroes the gradients, computes the loss, "
                            "calls backward() and returns the loss (it is called several times per step)")
        closure = _with_grad_enabled(closure)
        with no_grad():
            return self._run(closure)

    def _run(self, closure):
        group = self.param_groups[0]
        state = self.state.setdefault(self._params[0], {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = closure()
        loss, evals = float(orig_loss), 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if np.abs(flat_grad).max() <= group["tolerance_grad"]:
            return orig_loss
        for n_iter in range(1, group["max_iter"] + 1):
            state["n_iter"] += 1
            d = _direction(state, flat_grad, group["history_size"])
            if state.get("prev_flat_grad") is None:
                state["prev_flat_grad"] = flat_grad.copy()
            else:
                state["prev_flat_grad"][...] = flat_grad
            state["prev_loss"] = prev_loss = loss
            lr = value_of(group["lr"])
            t = state["t"] = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d)
            if gtd > -group["tolerance_change"]:
                break
            if group["line_search_fn"] == "strong_wolfe":
                x = [p._array.copy() for p in self._params]
                loss, flat_grad, t, ls_evals = strong_wolfe(
                    lambda x, t, d: self._directional_evaluate(closure, x, t, d), x, t, d, loss, flat_grad, gtd,
                    max_ls=group["max_eval"] - evals)
                state["t"] = t
                self._add_to_params(t, d)
            else:
                self._add_to_params(t, d)
                ls_evals = 0
                if n_iter != group["max_iter"]:
                    loss, flat_grad, ls_evals = float(closure()), self._flat_grad(), 1
            evals += ls_evals
            state["func_evals"] += ls_evals
            if (n_iter == group["max_iter"] or evals >= group["max_eval"]
                    or np.abs(flat_grad).max() <= group["tolerance_grad"]
                    or np.abs(d * t).max() <= group["tolerance_change"]
                    or abs(loss - prev_loss) < group["tolerance_change"]):
                break
        _store_scalars(state)
        return orig_loss

    # ---- checkpoints: the history is flat vectors, not arrays of a parameter's shape -------------------------

    def _load_parameter_state(self, p, group, saved, index):
        if not isinstance(saved, dict):
            raise TypeError(f"the state of parameter {index} must be a dict, not a {type(saved).__name__}")
        if saved and p is not self._params[0]:
            raise ValueError(f"LBFGS keeps its state with the first parameter, but the state_dict has state for "
                             f"parameter {index}")
        unknown = set(saved) - set(_STATE_KINDS)
        if unknown:
            raise ValueError(f"the state of parameter {index} has entries {sorted(map(str, unknown))} that LBFGS "
                             "does not keep: another optimizer's state_dict?")
        size = sum(q._array.size for q in self._params)
        return {key: _load_entry(f"state '{key}' of parameter {index}", _STATE_KINDS[key], value, size,
                                 p._array.dtype) for key, value in saved.items()}


def _with_grad_enabled(closure):
    def evaluate():
        with enable_grad():
            return closure()
    return evaluate


def _direction(state, flat_grad, history_size):
    """The search direction −H·g (H: the L-BFGS inverse-Hessian approximation), updating the (s, y) history."""
    if state["n_iter"] == 1:
        state.update(old_dirs=[], old_stps=[], ro=[], H_diag=1, d=-flat_grad)
        return state["d"]
    old_dirs, old_stps, ro = state["old_dirs"], state["old_stps"], state["ro"]
    y = flat_grad - state["prev_flat_grad"]
    s = state["d"] * state["t"]
    ys = y.dot(s)
    if ys > 1e-10:
        if len(old_dirs) == history_size:
            del old_dirs[0], old_stps[0], ro[0]
        old_dirs.append(y)
        old_stps.append(s)
        ro.append(1.0 / ys)
        state["H_diag"] = ys / y.dot(y)
    al = state.setdefault("al", [None] * history_size)
    q = -flat_grad
    for i in range(len(old_dirs) - 1, -1, -1):
        al[i] = old_stps[i].dot(q) * ro[i]
        q += -al[i] * old_dirs[i]
    r = q * state["H_diag"]
    for i in range(len(old_dirs)):
        beta = old_dirs[i].dot(r) * ro[i]
        r += (al[i] - beta) * old_stps[i]
    state["d"] = r
    return r


def _store_scalars(state):
    """numpy scalars in the state become Python floats, which checkpoints hold (their values are unchanged)."""
    for key in ("t", "H_diag", "prev_loss"):
        if isinstance(state.get(key), np.generic):
            state[key] = state[key].item()
    for key in ("ro", "al"):
        if key in state:
            state[key] = [v.item() if isinstance(v, np.generic) else v for v in state[key]]


_STATE_KINDS = {"func_evals": "count", "n_iter": "count", "d": "vector", "t": "number", "old_dirs": "vectors",
                "old_stps": "vectors", "ro": "numbers", "H_diag": "number", "prev_flat_grad": "vector",
                "prev_loss": "number", "al": "numbers"}


def _load_entry(where, kind, value, size, dtype):
    """One LBFGS state entry, checked: a count, a number, a flat vector of all parameters' size, or a list."""
    if kind == "count":
        return as_count(where, value)
    if kind == "number":
        return as_float(where, value)
    if kind == "vector":
        value = np.asarray(value) if hasattr(value, "__array__") and not isinstance(value, np.ndarray) else value
        if not isinstance(value, np.ndarray) or value.shape != (size,):
            raise ValueError(f"{where} must be a vector of the {size} parameter entries, but got "
                             f"{getattr(value, 'shape', type(value).__name__)}")
        return value.astype(dtype, copy=True)
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{where} must be a list, not a {type(value).__name__}")
    element = "number" if kind == "numbers" else "vector"
    return [None if v is None and kind == "numbers" else _load_entry(f"{where}[{i}]", element, v, size, dtype)
            for i, v in enumerate(value)]


# ---- the strong-Wolfe line search ------------------------------------------------------------------------

def cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, clipped to `bounds` (default:
    between x1 and x2); the middle of the bounds if the cubic has no minimum."""
    low, high = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square < 0:
        return (low + high) / 2.0
    d2 = np.sqrt(d2_square)
    if x1 <= x2:
        min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(min_pos, low), high)


def strong_wolfe(evaluate, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """A step t along d from x satisfying the strong Wolfe conditions
        f(x + t·d) ≤ f(x) + c1·t·g·d   (enough decrease)   and   |g(x + t·d)·d| ≤ c2·|g·d|   (slope flattened),
    found by growing t until a bracket holds such a point, then shrinking the bracket by cubic interpolation.
    `evaluate(x, t, d)` returns the loss and flat gradient at x + t·d. Returns (loss, gradient, t, evaluations)."""
    search = _Bracket(evaluate, x, d, f, g, gtd, c1, c2, max_ls)
    search.grow(t)
    search.zoom(tolerance_change)
    return search.result()


class _Bracket:
    """The state of one strong-Wolfe line search: the points tried and the bracket [low, high] of steps."""

    def __init__(self, evaluate, x, d, f, g, gtd, c1, c2, max_ls):
        self.evaluate, self.x, self.d = evaluate, x, d
        self.f, self.g, self.gtd, self.c1, self.c2, self.max_ls = f, g.copy(), gtd, c1, c2, max_ls
        self.d_norm = np.abs(d).max()
        self.evals = self.iterations = 0
        self.done = False

    def _try(self, t):
        f_new, g_new = self.evaluate(self.x, t, self.d)
        self.evals += 1
        return f_new, g_new, g_new.dot(self.d)

    def _too_little_decrease(self, t, f_new):
        return f_new > self.f + self.c1 * t * self.gtd

    def grow(self, t):
        """Lengthen the step until [previous, t] brackets an acceptable point (or t itself is one)."""
        f_new, g_new, gtd_new = self._try(t)
        t_prev, f_prev, g_prev, gtd_prev = 0, self.f, self.g, self.gtd
        while self.iterations < self.max_ls:
            if self._too_little_decrease(t, f_new) or (self.iterations > 1 and f_new >= f_prev):
                self.points = [[t_prev, f_prev, g_prev, gtd_prev], [t, f_new, g_new.copy(), gtd_new]]
                return
            if abs(gtd_new) <= -self.c2 * self.gtd:
                self.points, self.done = [[t, f_new, g_new, gtd_new]], True
                return
            if gtd_new >= 0:                       # past the minimum along d: it lies in [t_prev, t]
                self.points = [[t_prev, f_prev, g_prev, gtd_prev], [t, f_new, g_new.copy(), gtd_new]]
                return
            t_next = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                                       bounds=(t + 0.01 * (t - t_prev), t * 10))
            t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new.copy(), gtd_new
            t = t_next
            f_new, g_new, gtd_new = self._try(t)
            self.iterations += 1
        self.points = [[0, self.f, self.g, None], [t, f_new, g_new, None]]

    def zoom(self, tolerance_change):
        """Shrink the bracket by cubic interpolation until its better end satisfies both conditions."""
        points, insufficient_progress = self.points, False
        low, high = self._ends()
        while not self.done and self.iterations < self.max_ls:
            steps = [points[0][0], points[1][0]]
            if abs(steps[1] - steps[0]) * self.d_norm < tolerance_change:
                break
            t = cubic_interpolate(*points[0][:2], points[0][3], *points[1][:2], points[1][3])
            t, insufficient_progress = _keep_away_from_ends(t, min(steps), max(steps), insufficient_progress)
            f_new, g_new, gtd_new = self._try(t)
            self.iterations += 1
            if self._too_little_decrease(t, f_new) or f_new >= points[low][1]:
                points[high] = [t, f_new, g_new.copy(), gtd_new]
                low, high = self._ends()
            else:
                if abs(gtd_new) <= -self.c2 * self.gtd:
                    self.done = True
                elif gtd_new * (points[high][0] - points[low][0]) >= 0:
                    points[high] = points[low]
                points[low] = [t, f_new, g_new.copy(), gtd_new]
        self.low = low

    def _ends(self):
        """(index of the bracket end with the lower loss, index of the other); 0 first on a tie."""
        if len(self.points) == 1:
            return 0, 0
        return (0, 1) if self.points[0][1] <= self.points[-1][1] else (1, 0)

    def result(self):
        t, f_new, g_new, _ = self.points[self.low]
        return f_new, g_new, t, self.evals


def _keep_away_from_ends(t, low, high, insufficient_progress):
    """Move an interpolated step that lands within 10% of the bracket's width from an end (or outside) to 10% inside,
    unless the previous step made progress; returns (t, whether this step is such a near-end step)."""
    eps = 0.1 * (high - low)
    if min(high - t, t - low) >= eps:
        return t, False
    if insufficient_progress or t >= high or t <= low:
        t = high - eps if abs(t - high) < abs(t - low) else low + eps
        return t, False
    return t, True
