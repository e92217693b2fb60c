"""PyTorch's Tensor lr (and Adam's Tensor betas), its implementation switches (foreach, fused, capturable,
differentiable) and a parameter listed twice in a group, against torch.optim: step by step where PyTorch steps,
the same exception type and message where it refuses."""
import warnings

import numpy as np
import pytest
from optim_testing import gradient_sequence, initial_arrays, minigrad_params, step_both_and_compare

import minigrad
from minigrad import optim

torch = pytest.importorskip("torch", reason="PyTorch is the reference for the parity tests; install torch==2.13.0")

STEPS = 20
# one row per optimizer of both libraries: options that make its update use lr in more than one place
TABLE = {"SGD": {"momentum": 0.9, "weight_decay": 0.1}, "Adagrad": {"lr_decay": 0.01}, "RMSprop": {"centered": True},
         "Adadelta": {"weight_decay": 0.1}, "Adam": {"amsgrad": True}, "AdamW": {}, "NAdam": {},
         "RAdam": {"decoupled_weight_decay": True, "weight_decay": 0.1}, "Adamax": {}, "Rprop": {}, "ASGD": {"t0": 5}}
LRS = {"SGD": 0.05, "Adagrad": 0.1, "RMSprop": 0.01, "Adadelta": 1.0, "Adam": 0.01, "AdamW": 0.01, "NAdam": 0.01,
       "RAdam": 0.01, "Adamax": 0.01, "Rprop": 0.01, "ASGD": 0.02}
FUSED = ("SGD", "Adagrad", "Adam", "AdamW")         # the optimizers whose fused=True PyTorch runs on the CPU


def both(name, dtype, ours_options, their_options):
    """minigrad's and torch's optimizer on the same three parameters: (ours, theirs, our params, their params)."""
    arrays = initial_arrays(dtype)
    ours_params, their_params = minigrad_params(arrays), [torch.tensor(a.copy()) for a in arrays]
    return (getattr(optim, name)(ours_params, **ours_options),
            getattr(torch.optim, name)(their_params, **their_options), ours_params, their_params)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", TABLE)
def test_tensor_lr_steps_as_torch_and_stays_the_users_object(name, dtype):
    """A Tensor lr of the parameters' dtype, changed in place half-way (the next steps use the new value)."""
    ours_lr = minigrad.tensor(LRS[name], dtype=dtype)
    their_lr = torch.tensor(LRS[name], dtype=torch.float64 if dtype == np.float64 else torch.float32)
    ours, theirs, ours_params, their_params = both(name, dtype, dict(TABLE[name], lr=ours_lr),
                                                   dict(TABLE[name], lr=their_lr, foreach=False))
    assert ours.param_groups[0]["lr"] is ours_lr
    gradients = gradient_sequence(STEPS, dtype)
    for t in range(STEPS):
        if t == STEPS // 2:
            ours_lr.mul_(0.5)
            their_lr.mul_(0.5)
        step_both_and_compare(ours, theirs, ours_params, their_params, gradients[t], f"{name} Tensor lr", dtype)
    assert ours.param_groups[0]["lr"] is ours_lr


def test_sgd_tensor_weight_decay_steps_as_torch():
    """torch 2.13's SGD takes weight_decay as a Tensor too."""
    def options(lib):
        return dict(lr=0.05, momentum=0.9, weight_decay=lib.tensor(0.1, dtype=lib.float64))
    ours, theirs, ours_params, their_params = both("SGD", np.float64, options(minigrad),
                                                   dict(options(torch), foreach=False))
    for gradients in gradient_sequence(STEPS, np.float64):
        step_both_and_compare(ours, theirs, ours_params, their_params, gradients, "SGD Tensor weight_decay",
                              np.float64)
    with pytest.raises(ValueError, match="Tensor weight_decay must be 1-element"):
        optim.SGD(ours_params, weight_decay=minigrad.tensor([0.1, 0.1]))
    with pytest.raises(TypeError, match="weight_decay must be a number"):          # PyTorch's Adam: float only
        optim.Adam(ours_params, weight_decay=minigrad.tensor(0.1))


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_tensor_betas_step_as_torch(name):
    def options(lib):
        return dict(lr=lib.tensor(0.01, dtype=lib.float64),
                    betas=(lib.tensor(0.8, dtype=lib.float64), lib.tensor(0.95, dtype=lib.float64)))
    ours, theirs, ours_params, their_params = both(name, np.float64, options(minigrad),
                                                   dict(options(torch), foreach=False))
    for gradients in gradient_sequence(STEPS, np.float64):
        step_both_and_compare(ours, theirs, ours_params, their_params, gradients, f"{name} Tensor betas", np.float64)


@pytest.mark.parametrize("name", TABLE)
def test_every_implementation_switch_gives_the_same_numbers(name):
    """foreach None/True/False (and fused=True where PyTorch's CPU runs it) choose among PyTorch's implementations;
    minigrad has one, so the parameters come out equal to the last bit, and equal to torch's for-loop within the
    parity tolerance."""
    settings = [{"foreach": None}, {"foreach": True}, {"foreach": False}] + ([{"fused": True}] if name in FUSED else [])
    results = []
    for setting in settings:
        ours, theirs, ours_params, their_params = both(name, np.float64, dict(TABLE[name], **setting),
                                                       dict(TABLE[name], foreach=False))
        assert all(ours.param_groups[0][k] is v for k, v in setting.items())
        for gradients in gradient_sequence(STEPS, np.float64):
            step_both_and_compare(ours, theirs, ours_params, their_params, gradients, f"{name} switches",
                                  np.float64)
        results.append([p._array for p in ours_params])
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)


def raised(make):
    try:
        make()
    except Exception as error:            # noqa: BLE001 - the exception is the result
        return error
    return None


def check_same_refusal(ours, theirs):
    """torch refuses `theirs`; minigrad refuses `ours` with the same type and (at least) torch's message."""
    their_error, our_error = raised(theirs), raised(ours)
    assert their_error is not None, "torch accepts this: the test case is wrong"
    assert type(our_error) is type(their_error), (our_error, their_error)
    assert str(their_error).split(": [")[0] in str(our_error)      # devices listed differ with torch's build


def build_and_step(lib, name, requires_grad=True, **options):
    """Build an optimizer of `lib` (minigrad or torch) on one parameter with a gradient, take one step, and return
    the parameter's new values."""
    p = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=requires_grad)
    opt = getattr(lib.optim, name)([p], **options)
    p.grad = lib.tensor([0.5, -0.5], dtype=lib.float64)
    opt.step()
    return p.detach().tolist()


CONSTRUCTION_REFUSALS = [
    ("Adam", lambda lib: dict(lr=lib.tensor(0.01), foreach=True)),
    ("AdamW", lambda lib: dict(betas=(lib.tensor(0.9), lib.tensor(0.99)), foreach=True)),
    ("Adam", lambda lib: dict(betas=(0.9, lib.tensor(0.99)))),
    ("SGD", lambda lib: dict(lr=lib.tensor([0.1, 0.1]))),
    ("RMSprop", lambda lib: dict(lr=lib.tensor([0.1, 0.1]))),
] + [(name, lambda lib: dict(fused=True, foreach=True)) for name in FUSED] + [
    (name, lambda lib: dict(fused=True, differentiable=True)) for name in FUSED]


@pytest.mark.parametrize("name, options", CONSTRUCTION_REFUSALS)
def test_refused_as_torch_refuses_it(name, options):
    check_same_refusal(lambda: build_and_step(minigrad, name, **options(minigrad)),
                       lambda: build_and_step(torch, name, **options(torch)))


@pytest.mark.parametrize("name", TABLE)
def test_capturable_and_differentiable_are_refused_at_the_step(name):
    """PyTorch builds the optimizer, then refuses the step on the CPU: capturable (an AssertionError naming the
    devices), differentiable on parameters that require grad (a RuntimeError: the in-place update of a leaf); on
    parameters that do not, differentiable=True is an ordinary step. Without a gradient there is no step at all."""
    check_same_refusal(lambda: build_and_step(minigrad, name, differentiable=True),
                       lambda: build_and_step(torch, name, differentiable=True))
    np.testing.assert_allclose(build_and_step(minigrad, name, requires_grad=False, differentiable=True),
                               build_and_step(torch, name, requires_grad=False, differentiable=True),
                               rtol=1e-7)            # PyTorch's differentiable path rounds some scalars in float32
    if name not in ("SGD", "Adagrad"):                   # they have no capturable
        check_same_refusal(lambda: build_and_step(minigrad, name, capturable=True),
                           lambda: build_and_step(torch, name, capturable=True))
    for switch in ("differentiable", "capturable"):
        p = minigrad.tensor([1.0], requires_grad=True)
        if switch in getattr(optim, name).__init__.__code__.co_varnames:
            getattr(optim, name)([p], **{switch: True}).step()           # no gradient: nothing happens
        assert p._array[0] == 1.0


def test_a_two_element_tensor_beta_is_refused():
    """PyTorch means to say so, but its range check comes first and fails on the Tensor's truth value."""
    with pytest.raises(ValueError, match=r"Tensor betas\[0\] must be 1-element"):
        optim.Adam([minigrad.tensor([1.0])], betas=(minigrad.tensor([0.9, 0.9]), minigrad.tensor(0.99)))


def test_a_tensor_lr_set_later_with_foreach_is_refused_at_the_step():
    """Given to the constructor it is a ValueError (above); put into a group later, PyTorch's step raises."""
    def make(lib):
        p = lib.tensor([1.0])
        opt = lib.optim.Adam([p], foreach=True)
        opt.param_groups[0]["lr"] = lib.tensor(0.01)
        p.grad = lib.tensor([1.0])
        return opt.step
    check_same_refusal(make(minigrad), make(torch))


def test_a_duplicate_parameter_warns_and_steps_as_torch():
    """A parameter listed twice in a group: PyTorch's warning, then each listing is stepped (SGD with momentum
    starts a buffer at each listing on its first step: PyTorch's loop reads them all first)."""
    for name, options in [("SGD", {"momentum": 0.9, "lr": 0.1}), ("Adam", {"lr": 0.1}), ("Rprop", {})]:
        params = {}
        messages = {}
        for lib in (minigrad, torch):
            p, q = lib.tensor([1.0, -2.0], dtype=lib.float64), lib.tensor([0.5], dtype=lib.float64)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                opt = getattr(lib.optim, name)([p, q, p], **options)
            messages[lib] = [str(w.message) for w in caught if w.category is UserWarning]
            for t in range(4):
                p.grad = lib.tensor([0.3 * t - 0.5, 1.0], dtype=lib.float64)
                q.grad = lib.tensor([0.2], dtype=lib.float64)
                opt.step()
            params[lib] = (np.array(p.tolist()), np.array(q.tolist()), opt.state_dict()["param_groups"][0]["params"])
            if lib is minigrad:                              # the checkpoint loads back onto the same listing
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    again = getattr(optim, name)([p, q, p], **options)
                again.load_state_dict(opt.state_dict())
                assert again.state_dict()["state"].keys() == opt.state_dict()["state"].keys()
        assert messages[minigrad] == messages[torch] and len(messages[torch]) == 1
        np.testing.assert_allclose(params[minigrad][0], params[torch][0], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(params[minigrad][1], params[torch][1], rtol=1e-12, atol=1e-14)
        assert params[minigrad][2] == params[torch][2]


@pytest.mark.parametrize("make_scheduler", [
    lambda lib, opt: lib.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
    lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=STEPS),
    lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4),
    lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1)],
    ids=["StepLR", "OneCycleLR", "CosineAnnealingWarmRestarts", "ReduceLROnPlateau"])
def test_a_scheduler_fills_a_tensor_lr_in_place(make_scheduler):
    """The scheduled lrs, the lr object kept, and the parameters trained with them, as torch."""
    ours_lr, their_lr = minigrad.tensor(0.05, dtype=np.float64), torch.tensor(0.05, dtype=torch.float64)
    ours, theirs, ours_params, their_params = both("SGD", np.float64, dict(lr=ours_lr, momentum=0.9),
                                                   dict(lr=their_lr, momentum=0.9, foreach=False))
    ours_scheduler, their_scheduler = make_scheduler(minigrad, ours), make_scheduler(torch, theirs)
    for t, gradients in enumerate(gradient_sequence(STEPS, np.float64)):
        step_both_and_compare(ours, theirs, ours_params, their_params, gradients, "SGD scheduled Tensor lr",
                              np.float64)
        metric = [1.0, 0.9, 0.95, 0.97][t % 4]
        for scheduler in (ours_scheduler, their_scheduler):
            scheduler.step(metric) if hasattr(scheduler, "patience") else scheduler.step()
        assert ours.param_groups[0]["lr"] is ours_lr
        assert their_lr.item() == pytest.approx(ours_lr.item(), rel=1e-15)


def test_a_tensor_lr_survives_a_checkpoint(tmp_path):
    """Through minigrad.save/load (which stores the Tensor as an array) and from torch.optim's state_dict, a Tensor
    lr and Tensor betas come back as Tensors, and the restored optimizer steps on as torch's."""
    def options(lib):
        return dict(lr=lib.tensor(0.01, dtype=lib.float64),
                    betas=(lib.tensor(0.8, dtype=lib.float64), lib.tensor(0.9, dtype=lib.float64)))
    ours, theirs, ours_params, their_params = both("Adam", np.float64, options(minigrad),
                                                   dict(options(torch), foreach=False))
    gradients = gradient_sequence(6, np.float64)
    for t in range(3):
        step_both_and_compare(ours, theirs, ours_params, their_params, gradients[t], "Adam Tensor lr", np.float64)
    minigrad.save(ours.state_dict(), tmp_path / "adam.npz")
    ours.param_groups[0]["lr"].mul_(10.0)                  # the checkpoint holds its own copy
    for saved in (minigrad.load(tmp_path / "adam.npz"), theirs.state_dict()):
        restored = optim.Adam(ours_params, lr=0.5)
        restored.load_state_dict(saved)
        lr, betas = restored.param_groups[0]["lr"], restored.param_groups[0]["betas"]
        assert isinstance(lr, minigrad.Tensor) and lr.item() == 0.01
        assert all(isinstance(b, minigrad.Tensor) for b in betas) and [b.item() for b in betas] == [0.8, 0.9]
    for t in range(3, 6):
        step_both_and_compare(restored, theirs, ours_params, their_params, gradients[t], "Adam Tensor lr",
                              np.float64)


@pytest.mark.parametrize("name", TABLE)
def test_a_checkpoint_saved_before_the_switches_existed_loads(name):
    """A state_dict without foreach/fused/capturable/differentiable (minigrad's before they came, or an older
    torch's) loads with their defaults, as torch.optim's __setstate__ fills them in."""
    p = minigrad.tensor([1.0, 2.0], dtype=np.float64)
    opt = getattr(optim, name)([p])
    p.grad = minigrad.tensor([0.5, -0.5], dtype=np.float64)
    opt.step()
    saved = opt.state_dict()
    switches = ("foreach", "fused", "capturable", "differentiable")
    defaults = {k: opt.param_groups[0][k] for k in switches if k in opt.param_groups[0]}
    assert defaults and all(v in (None, False) for v in defaults.values())
    for k in switches:
        saved["param_groups"][0].pop(k, None)
    restored = getattr(optim, name)([p], foreach=True)          # the checkpoint's groups replace this
    restored.load_state_dict(saved)
    assert {k: restored.param_groups[0][k] for k in defaults} == defaults
