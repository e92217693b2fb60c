"""The record of a training run, in the shape of d2l's ``Animator``: the loop calls ``add(x, (y1, y2, ...))`` with one
value per curve (None where a curve has no point), and the curves are drawn into a PNG at the end instead of being
animated. ``epochs`` holds one summary per finished epoch."""
from ..plot import new_axes, save_figure, set_axes

BOOK_LEGEND = ("train loss", "train acc", "test acc")
_STYLES = ("-", "m--", "g-.", "r:")


class History:
    """Curves (``points[name]`` is a list of (x, y)) and per-epoch summaries (``epochs``: dicts with "epoch", "lr",
    "train_loss", "train_acc", "test_acc", "seconds")."""

    def __init__(self, xlabel="epoch", xlim=None, legend=BOOK_LEGEND):
        self.xlabel, self.xlim, self.legend = xlabel, xlim, list(legend)
        self.points = {name: [] for name in self.legend}
        self.epochs = []

    def add(self, x, ys):
        """One point per curve, as d2l's ``Animator.add(x, y)``; a None value skips that curve."""
        if len(ys) != len(self.legend):
            raise ValueError(f"History.add: {len(ys)} values for the {len(self.legend)} curves {self.legend}")
        for name, y in zip(self.legend, ys):
            if y is not None:
                self.points[name].append((float(x), float(y)))

    @property
    def final(self):
        """The summary of the last finished epoch (None before the first)."""
        return self.epochs[-1] if self.epochs else None

    def summary_line(self):
        """The book's closing line: ``train loss 0.128, train acc 0.951, test acc 0.885``."""
        last = self.final
        return (f"train loss {last['train_loss']:.3f}, train acc {last['train_acc']:.3f}, "
                f"test acc {last['test_acc']:.3f}")

    def plot(self, path, title=None):
        """Draw every curve against x into a PNG (atomically); return the path."""
        axes = new_axes()
        drawn = [name for name in self.legend if self.points[name]]
        for name in drawn:
            x, y = zip(*self.points[name])
            axes.plot(x, y, _STYLES[self.legend.index(name) % len(_STYLES)])
        set_axes(axes, xlabel=self.xlabel, xlim=self.xlim, legend=drawn)
        return save_figure(axes, path, title=title)

    def state_dict(self):
        return {"legend": list(self.legend), "points": {k: list(v) for k, v in self.points.items()},
                "epochs": [dict(e) for e in self.epochs]}

    def load_state_dict(self, state):
        if list(state["legend"]) != self.legend:
            raise ValueError(f"History.load_state_dict: curves {state['legend']} saved, {self.legend} expected")
        self.points = {name: [tuple(p) for p in state["points"][name]] for name in self.legend}
        self.epochs = [dict(e) for e in state["epochs"]]
