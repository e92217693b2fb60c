"""The general training loop: d2l's ``train_ch6`` (LeNet, section 7.6) with the loss and optimizer as arguments and
an optional PyTorch-style scheduler stepped once per epoch. Section 11.11 writes its own copy of this loop, as the
book does; both delegate epochs, progress, history and checkpoints to a ``TrainingRun``."""
import sys

from ..tensor import Tensor
from .metrics import Accumulator, accuracy, evaluate_accuracy
from .run import TrainingRun


def train(net, train_iter, test_iter, num_epochs, loss, trainer, scheduler=None, *, run=None, figure=None,
          log_every=50, verbose=False, out=None):
    """Train ``net``; print the book's closing line ``train loss 0.431, train acc 0.840, test acc 0.840``; return
    the History.

    scheduler: anything with ``step()``, called after each epoch. run: a TrainingRun (checkpoints, resume, label);
    by default one without checkpoints. figure: a PNG path for the curves. verbose: a line per epoch as well. A NaN
    or infinite train loss stops training with FloatingPointError at the end of its epoch."""
    out = sys.stdout if out is None else out
    run = TrainingRun() if run is None else run
    animator = run.animator(xlabel="epoch", xlim=[0, num_epochs], legend=["train loss", "train acc", "test acc"])
    for epoch in run.epochs(num_epochs, net, trainer, scheduler):
        metric = Accumulator(3)  # loss total, correct predictions, examples
        for i, (X, y) in enumerate(run.progress(train_iter)):
            net.train()
            trainer.zero_grad()
            X, y = (v if isinstance(v, Tensor) else Tensor(v) for v in (X, y))
            y_hat = net(X)
            batch_loss = loss(y_hat, y)
            batch_loss.backward()
            trainer.step()
            metric.add(float(batch_loss) * len(y), accuracy(y_hat, y), len(y))
            train_loss, train_acc = metric[0] / metric[2], metric[1] / metric[2]
            if (i + 1) % log_every == 0:
                animator.add(epoch + i / len(train_iter), (train_loss, train_acc, None))
        if metric[2] == 0:
            raise ValueError("train: the training iterator yielded no batches")
        test_acc = evaluate_accuracy(net, test_iter)
        animator.add(epoch + 1, (None, None, test_acc))
        if scheduler is not None:
            scheduler.step()
        run.end_epoch(train_loss, train_acc, test_acc)
        if verbose:
            print(f"epoch {epoch + 1}: " + animator.summary_line(), file=out)
    print(animator.summary_line(), file=out)
    if figure is not None:
        animator.plot(figure)
    return animator
