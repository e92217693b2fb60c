"""Function: how every op is written. ``forward`` computes the value on numpy arrays; ``backward`` beside it maps the
gradient of the output to the gradients of the inputs, written with Tensor ops.

Because backward uses Tensor ops, running it with grad mode on records a graph of its own: that is all
``create_graph=True`` (second derivatives, Hessian-vector products) needs. An op is a small class::

    class Mul(Function):
        def forward(self, a, b):
            return a * b

        def backward(self, g):
            a, b = self.inputs
            return unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape)

``Mul.apply(x, y)`` runs it on two Tensors. The Function instance is the result's ``grad_fn``: it keeps the inputs
until backward has used them (the graph is then released), and ``name()`` is PyTorch's name for the same node.
"""
import weakref


class Function:
    """One op: ``forward(*arrays, **params)`` on numpy arrays, ``backward(g)`` on Tensors (see the module docstring)."""

    torch_name = None       # PyTorch's grad_fn name when it is not "<ClassName>Backward0"
    inputs = None           # the input Tensors, from connect() until release()

    def forward(self, *arrays, **params):
        raise NotImplementedError

    def backward(self, g):
        """Gradients with respect to ``self.inputs`` (a tuple; a single Tensor for an op of one input).

        ``None`` stands for a zero gradient, e.g. of an input that does not require grad."""
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **params):
        """Run the op on Tensors ``inputs``; ``params`` (axes, shapes, ...) go to ``forward`` as they are."""
        fn = cls()
        value = fn.forward(*[x._array for x in inputs], **params)
        # Tensor.from_op (reached through an input, so that the rules need not import the Tensor class) connects fn
        # to its inputs and output when autograd is to follow it
        return inputs[0].from_op(value, inputs, fn)

    # ---- the node autograd walks ---------------------------------------------------------------------------------
    @property
    def op(self):
        """Short lower-case name of the op (``mul``, ``sum``), as graph_table shows it."""
        return type(self).__name__.lower()

    def name(self):
        """PyTorch's name for this node, e.g. ``MulBackward0``."""
        return self.torch_name or f"{type(self).__name__}Backward0"

    @property
    def output(self):
        """The tensor this op made (held weakly: the output keeps its grad_fn, not the other way round)."""
        return self._output()

    def connect(self, inputs, output):
        """Become ``output``'s grad_fn: keep the inputs and their versions (see ``Tensor._inplace``)."""
        self.inputs = inputs
        self._versions = tuple(x._version for x in inputs)
        self._output = weakref.ref(output)
        self._edges = tuple(x.grad_fn or (x if x.requires_grad else None) for x in inputs)

    @property
    def next_functions(self):
        """Where backward goes next, one ``(node, 0)`` per input as in PyTorch: the input's grad_fn, an
        ``AccumulateGrad`` for a leaf that requires grad, ``None`` for an input that needs no gradient. The 0 is the
        output's index in its node (every minigrad op has one output). Kept after backward has released the graph."""
        return tuple((e if e is None or isinstance(e, Function) else AccumulateGrad.of(e), 0) for e in self._edges)

    def reattach(self, output):
        """Another tensor now holds this op's result (an in-place change moved the old values there)."""
        self._output = weakref.ref(output)

    def needs_grad(self, i):
        """Whether input ``i`` wants a gradient; rules skip the work for those that do not."""
        return self.inputs[i].requires_grad

    def parents(self):
        """The inputs as they were when this op ran: an input changed in place since then is replaced by the
        snapshot of its old values and history that the change left behind (``Tensor._inplace``)."""
        if self.inputs is None:
            raise RuntimeError(
                "backward through a graph that was already released: its intermediate values were freed after the "
                "first backward; pass retain_graph=True to the first backward() or grad() to walk it again")
        for x, version in zip(self.inputs, self._versions):
            if x._version != version:
                break
        else:
            return self.inputs
        return tuple(self._at_version(i, x, version) for i, (x, version) in enumerate(zip(self.inputs, self._versions)))

    def _at_version(self, i, x, version):
        current = x
        while current is not None and current._version != version:
            current = current._before_inplace() if current._before_inplace is not None else None
        if current is None:
            raise self._modified(i, x, version)
        return current

    def _modified(self, i, x, version):
        return RuntimeError(
            f"one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"input {i} of {self.name()} (shape {tuple(x.shape)}) is at version {x._version}; expected version "
            f"{version}. Make the change out of place, or clone() the tensor before it")

    def __call__(self, g):
        """The gradients as a tuple, one per input: what autograd calls."""
        self.inputs = self.parents()
        grads = self.backward(g)
        return grads if isinstance(grads, tuple) else (grads,)

    def release(self):
        """Forget the inputs and whatever forward saved, once backward no longer needs them; keep the names and the
        edges (``next_functions``)."""
        kept = ("_output", "_op_name", "torch_name", "_edges")
        self.__dict__ = {k: v for k, v in self.__dict__.items() if k in kept}

    def __repr__(self):
        return f"<{self.name()}>"


class AccumulateGrad:
    """The node where backward ends at a leaf that requires grad, as PyTorch shows it in ``next_functions``: it adds
    the gradient into ``variable.grad`` (minigrad's backward does that in autograd.py; the node is its name). One per
    leaf while something holds it, as PyTorch's."""

    next_functions = ()

    def __init__(self, variable):
        self.variable = variable

    @staticmethod
    def of(leaf):
        node = leaf._accumulator() if leaf._accumulator is not None else None
        if node is None:
            node = AccumulateGrad(leaf)
            leaf._accumulator = weakref.ref(node)
        return node

    def name(self):
        return "AccumulateGrad"         # PyTorch's name() adds its C++ namespace: torch::autograd::AccumulateGrad

    def __repr__(self):
        return "<AccumulateGrad>"


class Closure(Function):
    """An op written as one ``backward`` closure (``Tensor.from_op(value, parents, "name", backward)``).

    No op of minigrad is written so (each is a Function subclass); kept for an op defined in one call outside the
    library, as tests do (test_tensor_graph.py, test_ops_gradcheck.py)."""

    def __init__(self, op_name, rule):
        self._op_name, self._rule = op_name, rule

    @property
    def op(self):
        return self._op_name

    def name(self):
        return "".join(part.capitalize() for part in self._op_name.split("_")) + "Backward0"

    def backward(self, g):
        return tuple(self._rule(g))

    def _at_version(self, i, x, version):
        """The closure computes with the tensors it captured, so an input changed since cannot be swapped for its
        past: refused."""
        if x._version != version:
            raise self._modified(i, x, version)
        return x


def unbroadcast(g, shape):
    """Sum ``g`` over the axes that broadcasting added or stretched, so it has ``shape`` again."""
    if g.shape == tuple(shape):
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    return g.sum(axes, keepdim=True).reshape(shape)
