"""Beyond the book: cosine with warm restarts and a cyclic learning rate on LeNet, beside 11.11's runs

The notes' cyclic schedules, PyTorch's CosineAnnealingWarmRestarts and a triangular CyclicLR (amplitude halved each
cycle), each stepped every minibatch, train the modern LeNet with plain SGD as 11.11 does, from the same weights as
the runs of ``beyond_optimizer_choice.py``. Beside them: 11.11's five runs after the same number of epochs, read from
the per-epoch history in 11.11's checkpoints (nothing is re-trained); where there is none, the book's final
accuracies, said as such. ``make chapter-11`` starts this script when 11.11 has ended.
"""
if __name__ == "__main__":  # before numpy loads: one BLAS thread, so LeNet's numbers do not depend on the cores
    import os
    os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import math
import time

import numpy as np

import minigrad as mg
from chapters.ch11 import common
from chapters.ch11.beyond_optimizer_choice import BATCH_SIZE, QUICK_BATCH_SIZE, lenet_run
from chapters.ch11.sec11_lr_scheduler import BOOK, RUN_TITLES, SEEDS
from chapters.ch11.sec11_lr_scheduler import NUM_EPOCHS as BOOK_EPOCHS
from minigrad import optim
from minigrad.data import DataLoader, fashion_mnist_arrays
from minigrad.optim import lr_scheduler
from minigrad.plot import new_axes_grid, set_axes
from minigrad.train import evaluate_accuracy

DATA_SETS = ("fashion-mnist",)

SCHEDULE_EPOCHS = 3                # the warm-restart and cyclic runs on all 60,000 images (quick: 1 on 384)


def cyclic_schedules(quick):
    """Cosine with warm restarts and a triangular cyclic lr on LeNet, plain SGD as 11.11; beside 11.11."""
    train_x, train_y, test_x, test_y = fashion_mnist_arrays()
    n_train, n_test = (384, 128) if quick else (None, None)
    epochs = 1 if quick else SCHEDULE_EPOCHS
    batch_size = QUICK_BATCH_SIZE if quick else BATCH_SIZE
    train_iter = DataLoader((train_x[:n_train], train_y[:n_train]), batch_size, shuffle=True)
    test_iter = DataLoader((test_x[:n_test], test_y[:n_test]), 1000)
    per_epoch = len(train_iter)
    first_cycle = max(1, epochs * per_epoch // 3)   # cycles of 1/3 and 2/3 of the run: it ends at a cycle's end
    runs = {
        "cosine, warm restarts": (f"CosineAnnealingWarmRestarts(T_0={first_cycle / per_epoch:.3g} epoch, T_mult=2, "
                                  f"eta_min=0.01), lr 0.3",
                                  lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=first_cycle, T_mult=2,
                                                                                     eta_min=0.01)),
        "cyclic (triangular2)": ("CyclicLR(0.01 to 0.3, up half an epoch, down half, amplitude halved each cycle)",
                                 lambda o: lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.3,
                                                                 step_size_up=max(1, per_epoch // 2),
                                                                 mode="triangular2", cycle_momentum=False)),
    }
    print()
    print(f"Cyclic schedules on LeNet, plain SGD (as 11.11), batch {batch_size}, {epochs} epoch(s) on "
          f"{len(train_iter.dataset)} images, stepped every minibatch, tested on {len(test_iter.dataset)} images:")
    results = {}
    for key, (title, make_scheduler) in runs.items():
        points, train_loss, seconds, net, lrs = lenet_run(lambda p, lr: optim.SGD(p, lr=lr), 0.3, train_iter, epochs,
                                                          scheduler_fn=make_scheduler)
        test_acc = evaluate_accuracy(net, test_iter) if net is not None else math.nan
        results[key] = {"title": title, "train_loss": train_loss, "test_acc": test_acc, "seconds": seconds,
                        "lrs": lrs, "points": points}
        print(f"{key:<22} {title}: train loss {train_loss:.3f}, test acc {test_acc:.3f} ({seconds:.0f} s)")
    checkpoints = common.current_settings().out_dir.parent / "sec11_lr_scheduler" / "checkpoints"
    print_book_runs_at(epochs, checkpoints / ("quick" if quick else "full"))
    axes = new_axes_grid(1, 1, figsize=(6, 3.2))[0]
    for key, result in results.items():
        axes.plot(np.arange(len(result["lrs"])) / per_epoch, result["lrs"], label=key)
    set_axes(axes, "epoch", "learning rate", xlim=[0, epochs])
    axes.legend(fontsize=7)
    common.save_figure(axes, "cyclic_schedules", "The learning rate of the warm-restart and cyclic runs")
    return results


def book_runs_at(epoch, folder):
    """What 11.11's five runs had reached after `epoch` epochs (the History entry of that epoch: lr, train loss,
    test acc; with the run's num_epochs and train_images), read from their checkpoints in `folder` (11.11's
    checkpoints/<quick|full>/, written after every epoch); None for a run with no checkpoint of its current seed
    that got that far."""
    found = dict.fromkeys(RUN_TITLES)
    for key in RUN_TITLES:
        for path in sorted(folder.glob(f"{key}-*.npz")):
            try:
                state = mg.load(path)
                config, epochs = state["config"], state["history"]["epochs"]
            except (ValueError, KeyError, TypeError, OSError):   # not a checkpoint of 11.11's: not ours to judge
                continue
            if (config.get("run"), config.get("seed")) != (key, SEEDS[key]):
                continue
            entry = next((e for e in epochs if e["epoch"] == epoch), None)
            if entry is not None:
                found[key] = dict(entry, num_epochs=config.get("num_epochs"), train_images=config.get("train_images"))
    return found


def print_book_runs_at(epoch, folder):
    """The five runs of 11.11 after the same number of epochs as the cyclic runs, from 11.11's own history; the
    book's final accuracies for the runs whose checkpoints are not there."""
    found = book_runs_at(epoch, folder)
    print(f"11.11's five runs after the same {epoch} epoch(s), from the history in their checkpoints ({folder}):")
    for key, entry in found.items():
        if entry is None:
            low, high = BOOK[key]["test"]
            print(f"{RUN_TITLES[key]:<36} no checkpoint of 11.11's current settings here (run sec11_lr_scheduler "
                  f"with the same --out first); after {BOOK_EPOCHS} epochs the book's build reached test acc "
                  f"{BOOK[key]['seed'][2]:.3f} (builds {low:.3f}-{high:.3f})")
        else:
            print(f"{RUN_TITLES[key]:<36} lr {entry['lr']:.3g} in epoch {epoch}: train loss {entry['train_loss']:.3f}, "
                  f"test acc {entry['test_acc']:.3f} (epoch {epoch} of {entry['num_epochs']}, "
                  f"{entry['train_images']} training images)")
    if any(entry is None for entry in found.values()):
        print(f"(the book's numbers are after {BOOK_EPOCHS} epochs, the cyclic runs' after {epoch}: compare their "
              f"shape, not their accuracy)")
    return found


def main(argv=None):
    settings = common.start(__file__, argv)
    started = time.perf_counter()
    schedules = cyclic_schedules(settings.quick)
    print(f"({time.perf_counter() - started:.0f} s in all)")
    return schedules


if __name__ == "__main__":
    main()
