"""What the chapter-script tests share: running one script's ``main`` in quick mode, once per test module."""
import contextlib
import io

import pytest

DATA_CHECKS = {"airfoil": "get_data_ch11", "fashion-mnist": "fashion_mnist_arrays"}


@pytest.fixture(scope="module")
def run_quick(tmp_path_factory):
    """``run_quick(script)``: (what its main returned, its printed text, its figure folder), run with ``--quick``
    into a fresh out folder; the test is skipped, with the data package's message, when a data set it names in
    ``DATA_SETS`` is not available here."""
    def run(script):
        from minigrad import data
        for name in script.DATA_SETS:
            try:
                getattr(data, DATA_CHECKS[name])()
            except Exception as error:  # the data package says how to get the data
                pytest.skip(f"the {name} data set is not available here: {error}")
        out = tmp_path_factory.mktemp("out")
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            returned = script.main(["--quick", "--out", str(out)])
        return returned, printed.getvalue(), out / script.__name__.rsplit(".", 1)[-1]
    return run
