"""Figures that the chapter scripts share."""
from matplotlib.figure import Figure

from .optim.lr_scheduler import LRScheduler, ReduceLROnPlateau
from .serialization import atomic_write


def plot_schedules(schedules, steps, path, title="Learning-rate schedules"):
    """Plot several learning-rate schedules over `steps` steps in one PNG at `path`, with a legend.

    `schedules` maps a legend name to a scheduler or to a function t -> lr. A scheduler is stepped `steps - 1`
    times (its optimizer's lrs change as in training) and every parameter group is drawn, as "name[i]" when there
    are several; a function is called at t = 0, ..., steps - 1. Returns {name: [lr at each step]}."""
    if not schedules:
        raise ValueError("schedules is empty: give at least one {name: scheduler or function}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"Invalid steps: {steps!r} (must be an int >= 1)")
    curves = {}
    for name, schedule in schedules.items():
        if isinstance(schedule, ReduceLROnPlateau):
            raise TypeError(f"schedule {name!r} is a ReduceLROnPlateau, whose lrs depend on a metric; record them "
                            "while training and pass a function instead")
        if isinstance(schedule, LRScheduler):
            per_step = []
            for t in range(steps):
                if t > 0:
                    schedule.step()
                per_step.append(schedule.get_last_lr())
            groups = len(per_step[0])
            for i in range(groups):
                curves[name if groups == 1 else f"{name}[{i}]"] = [float(lrs[i]) for lrs in per_step]
        elif callable(schedule):
            curves[name] = [float(schedule(t)) for t in range(steps)]
        else:
            raise TypeError(f"schedule {name!r} is a {type(schedule).__name__}; give a scheduler or a function "
                            "t -> lr")

    figure = Figure(figsize=(6, 3.5), layout="constrained")
    axes = figure.add_subplot()
    for name, lrs in curves.items():
        axes.plot(range(steps), lrs, label=name)
    axes.set_xlabel("step")
    axes.set_ylabel("learning rate")
    axes.set_title(title)
    axes.grid(True, alpha=0.3)
    axes.legend()
    with atomic_write(path) as f:
        figure.savefig(f, format="png", dpi=120)
    return curves
