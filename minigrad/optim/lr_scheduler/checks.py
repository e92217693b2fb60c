"""The checks that scheduler constructors and `load_state_dict` share, so that a checkpoint cannot load what the
constructor would refuse: each takes the name to blame and the value, and raises TypeError (wrong type) or
ValueError (out of range), naming both. `whole(1)`, `real(low=0.0)`, ... make such checks for the `_arguments`
tables of the schedulers."""
import numbers

from ..optimizer import Optimizer, check_number
from ..options import value_of


def check_whole(name, value, low):
    """Raise TypeError unless `value` is an int, ValueError unless it is at least `low`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, but got {value!r} ({type(value).__name__})")
    if value < low:
        raise ValueError(f"Invalid {name}: {value!r} (must be an int >= {low})")


def whole(low):
    return lambda name, value: check_whole(name, value, low)


def real(**interval):
    return lambda name, value: check_number(name, value, **interval)


def choice(*options):
    def check(name, value):
        if value not in options:
            raise ValueError(f"{name} must be one of {' or '.join(map(repr, options))}, but got {value!r}")
    return check


def optional(check):
    return lambda name, value: None if value is None else check(name, value)


def flag(name, value):
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, but got {value!r}")


def numbers_per_group(**interval):
    """A list of numbers (one per parameter group: the length is checked against the optimizer separately)."""
    def check(name, value):
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"{name} must be a list of numbers, one per parameter group, but got {value!r}")
        for i, entry in enumerate(value):
            check_number(f"{name}[{i}]", entry, **interval)
    return check


def milestones(strictly):
    def check(name, value):
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"{name} must be a list of ints, but got {value!r}")
        for entry in value:
            check_whole(f"{name} entry", entry, 0)
        if not all(a < b if strictly else a <= b for a, b in zip(value, value[1:])):
            raise ValueError(f"Invalid {name}: {list(value)!r} (must be sorted in {'strictly ' if strictly else ''}"
                             "increasing order)")
    return check


def check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a minigrad.optim.Optimizer, but got {type(optimizer).__name__}")


def per_group(name, optimizer, value):
    """`value` for every parameter group: a list of one value per group, or one value for all. A one-element
    Tensor counts by its value now: changing it later changes nothing here (as PyTorch, which copies it)."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name} must have one value per parameter group ({len(optimizer.param_groups)}), "
                             f"but got {len(value)} values")
        return [value_of(v) for v in value]
    return [value_of(value)] * len(optimizer.param_groups)


def check_keys(scheduler, state_dict, expected):
    """A dict with exactly the keys of this scheduler's own state_dict()."""
    name = type(scheduler).__name__
    if not isinstance(state_dict, dict):
        raise TypeError(f"{name}.load_state_dict expects the dict that {name}.state_dict() returns, but got "
                        f"{type(state_dict).__name__}")
    if set(state_dict) != set(expected):
        raise ValueError(f"the state_dict does not fit a {name}: it lacks {sorted(set(expected) - set(state_dict))} "
                         f"and has unexpected {sorted(map(str, set(state_dict) - set(expected)))}")


def check_same_kind(where, value, expected):
    """An entry without a check of its own must be of the kind this scheduler holds there: a bool, a number, a
    string, a list or a dict (anything where it holds something else, such as None)."""
    kinds = [(bool, "True or False"), (numbers.Real, "a number"), (str, "a string"), ((list, tuple), "a list"),
             (dict, "a dict")]
    for kind, described in kinds:
        if isinstance(expected, kind):
            if not isinstance(value, kind) or (kind is numbers.Real and isinstance(value, bool)):
                raise TypeError(f"{where} must be {described}, but got {value!r}")
            return
