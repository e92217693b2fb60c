"""Grad mode belongs to a thread, as in PyTorch: what one thread does with ``no_grad()``, ``backward()`` or
``optimizer.step()`` never switches graph recording on or off in another."""
import threading

import numpy as np

import minigrad as mg
from minigrad import optim


def run_in_order(*steps_per_thread):
    """Run each thread's steps in the order given by their labels 0, 1, 2, ... across all threads.

    ``steps_per_thread`` holds one list of ``(label, function)`` per thread; step k runs only after step k-1
    finished, whichever thread holds it. Returns what each step returned, by label."""
    turn = threading.Condition()
    state = {"next": 0, "results": {}, "errors": []}

    def worker(steps):
        for label, step in steps:
            with turn:
                turn.wait_for(lambda: state["next"] == label or state["errors"], timeout=10)
                if state["errors"]:
                    return
                try:
                    state["results"][label] = step()
                except BaseException as err:       # reported by the main thread below
                    state["errors"].append(err)
                state["next"] += 1
                turn.notify_all()

    threads = [threading.Thread(target=worker, args=(steps,)) for steps in steps_per_thread]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    if state["errors"]:
        raise state["errors"][0]
    assert state["next"] == sum(len(steps) for steps in steps_per_thread), "a thread got stuck"
    return state["results"]


def test_interleaved_no_grad_blocks_leave_every_thread_as_it_was():
    # A enters, B enters, A leaves, B leaves: with one process-wide flag B restores "off" for everyone.
    blocks = [mg.no_grad(), mg.no_grad()]
    results = run_in_order(
        [(0, blocks[0].__enter__), (1, mg.is_grad_enabled), (4, lambda: blocks[0].__exit__(None, None, None)),
         (5, mg.is_grad_enabled)],
        [(2, blocks[1].__enter__), (3, mg.is_grad_enabled), (6, lambda: blocks[1].__exit__(None, None, None)),
         (7, mg.is_grad_enabled)])
    assert results[1] is False and results[3] is False      # each thread inside its own block
    assert results[5] is True and results[7] is True        # and each one back on after it
    assert mg.is_grad_enabled()                             # the main thread was never touched


def test_one_thread_evaluating_under_no_grad_does_not_stop_another_from_training():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    evaluation = mg.no_grad()

    def training_step():
        loss = (w * w).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.requires_grad

    results = run_in_order(
        [(0, evaluation.__enter__), (1, lambda: (w * 3).requires_grad),
         (3, lambda: evaluation.__exit__(None, None, None))],
        [(2, training_step), (4, training_step)])
    assert results[1] is False                   # the evaluating thread records nothing
    assert results[2] is True and results[4] is True
    np.testing.assert_allclose(w.detach().numpy(), np.array([1.0, 2.0]) * 0.8 ** 2, rtol=1e-6)


def test_backward_and_step_switch_grad_mode_only_in_their_own_thread():
    """One thread trains on large arrays (numpy lets go of the interpreter during each big operation, so the other
    thread runs while the first is inside backward() or step()); the other checks its grad mode all along."""
    w = mg.randn(1_000_000, requires_grad=True, generator=np.random.default_rng(0))
    opt = optim.SGD([w], lr=1e-6, momentum=0.9)
    done = threading.Event()
    seen_off = [0]

    def train():
        try:
            for _ in range(6):
                loss = (w * w * w).sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
        finally:
            done.set()

    def watch():
        checks = 0
        while not done.is_set() or checks == 0:
            checks += 1
            if not mg.is_grad_enabled():
                seen_off[0] += 1
        return checks

    trainer = threading.Thread(target=train)
    trainer.start()
    checks = watch()
    trainer.join(timeout=60)
    assert checks > 100, "the watching thread hardly ran: the test proved nothing"
    assert seen_off == [0], f"grad mode was off in a thread that never turned it off ({seen_off[0]} of {checks})"


def test_a_new_thread_starts_with_grad_mode_on_even_if_its_parent_is_in_no_grad():
    seen = []
    with mg.no_grad():
        thread = threading.Thread(target=lambda: seen.append(mg.is_grad_enabled()))
        thread.start()
        thread.join(timeout=10)
    assert seen == [True]
