"""Names the graph viewer shows: a Module's parameters carry their dotted path, any tensor can be named, and a
name given by hand is never replaced."""
import numpy as np

import minigrad as mg
from minigrad import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 1)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def test_parameters_are_labelled_with_their_dotted_path():
    net = nn.lenet()
    assert [p.name for p in net.parameters()] == [name for name, _ in net.named_parameters()]
    assert net[0].weight.name == "0.weight" and net[11].bias.name == "11.bias"
    block = Block()
    assert [p.name for p in block.parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert block.fc1.name == "fc1"


def test_nesting_prefixes_the_outer_path():
    block = Block()
    outer = nn.Sequential(nn.Linear(2, 3), block)
    assert [name for name, _ in outer.named_parameters()] == [p.name for p in outer.parameters()]
    assert block.fc2.weight.name == "1.fc2.weight"


def test_a_name_given_by_hand_stays():
    block = Block()
    block.fc1.weight.name = "W1"
    wrapped = nn.Sequential(block)
    assert block.fc1.weight.name == "W1" and block.fc1.bias.name == "0.fc1.bias"
    x = mg.tensor(np.ones(3, dtype=np.float32))
    x.name = "features"
    assert mg.graph_table(wrapped(x).sum()).splitlines()[1].split()[1] == "features"


def test_names_show_in_the_graph_and_the_trace():
    block = Block()
    x = mg.tensor(np.ones((2, 3), dtype=np.float32))
    loss = block(x).sum()
    table = mg.graph_table(loss)
    for name in ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"):
        assert name in table
    walk = mg.autograd.trace(loss)
    assert walk.label(block.fc2.bias) == "fc2.bias"
    np.testing.assert_allclose(walk.gradient(block.fc2.bias), [2.0])     # d sum(out) / d bias = batch size
