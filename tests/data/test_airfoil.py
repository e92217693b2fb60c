import dataclasses

import numpy as np
import pytest

from minigrad.data import DataFileError, DataNotFoundError, airfoil, get_data_ch11, load_airfoil
from minigrad.data.airfoil import parse_airfoil

# shared/data/README.md: first and last lines of the file
FIRST_ROW = [800, 0, 0.3048, 71.3, 0.00266337, 126.201]
LAST_ROW = [6300, 15.6, 0.1016, 39.6, 0.0528487, 104.204]


def table_text(rows):
    return "".join("\t".join(str(v) for v in row) + "\r\n" for row in rows).encode()


def test_parse_rejects_wrong_shape_and_non_numbers():
    good_rows = [FIRST_ROW] * 1503
    assert parse_airfoil(table_text(good_rows)).shape == (1503, 6)
    with pytest.raises(DataFileError, match=r"f\.dat: expected 1503 rows of 6 numbers, got shape \(1502, 6\)"):
        parse_airfoil(table_text(good_rows[:-1]), "f.dat")
    with pytest.raises(DataFileError, match=r"expected 1503 rows of 6 numbers, got shape \(1503, 5\)"):
        parse_airfoil(table_text([row[:5] for row in good_rows]), "f.dat")
    nan_rows = [list(r) for r in good_rows]
    nan_rows[4][2] = "x"
    with pytest.raises(DataFileError, match=r"f\.dat: 1 fields are not numbers, the first in line 5, column 3"):
        parse_airfoil(table_text(nan_rows), "f.dat")
    ragged = [list(r) for r in good_rows]
    ragged[7] = ragged[7][:4]
    with pytest.raises(DataFileError, match=r"f\.dat: not a table of tab-separated numbers"):
        parse_airfoil(table_text(ragged), "f.dat")


def test_missing_everywhere_says_what_to_do(tmp_path):
    with pytest.raises(DataNotFoundError, match=r"(?s)Airfoil self-noise not found.*make data"):
        load_airfoil(root=tmp_path)


# ---- the real file (shared/data beside the repository; skipped when absent) ----------------------------------

@pytest.fixture
def airfoil_env(airfoil_dir, monkeypatch):
    monkeypatch.setenv("MINIGRAD_DATA", str(airfoil_dir))
    return airfoil_dir


def test_raw_table(airfoil_env):
    data = load_airfoil()
    assert data.shape == (1503, 6) and data.dtype == np.float64
    np.testing.assert_array_equal(data[0], FIRST_ROW)
    np.testing.assert_array_equal(data[-1], LAST_ROW)


def test_a_changed_file_is_rejected(airfoil_dir, tmp_path):
    text = (airfoil_dir / "airfoil_self_noise.dat").read_bytes()
    (tmp_path / "airfoil_self_noise.dat").write_bytes(text.replace(b"126.201", b"126.202", 1))
    with pytest.raises(DataFileError, match=r"airfoil_self_noise\.dat: sha1 of the contents is .*, expected "
                                            "76e5be1548fd8222e5074cf0faae75edff8cf93f"):
        load_airfoil(root=tmp_path)


def test_download_path_with_a_file_url(airfoil_dir, tmp_path, monkeypatch):
    served = airfoil_dir / "airfoil_self_noise.dat"
    remote = dataclasses.replace(airfoil.AIRFOIL_FILE, url=served.as_uri())
    monkeypatch.setattr(airfoil, "AIRFOIL", dataclasses.replace(airfoil.AIRFOIL, files=(remote,)))
    monkeypatch.setattr(airfoil, "AIRFOIL_FILE", remote)
    data = load_airfoil()
    assert (tmp_path / "xdg-cache" / "minigrad" / "airfoil" / "airfoil_self_noise.dat").read_bytes() == \
        served.read_bytes()
    np.testing.assert_array_equal(data[-1], LAST_ROW)


def test_get_data_ch11_standardises_with_all_1503_rows(airfoil_env):
    data_iter, feature_dim = get_data_ch11(batch_size=10, n=1500, generator=np.random.default_rng(0))
    assert feature_dim == 5 and len(data_iter) == 150
    X_all, y_all = data_iter.dataset.arrays
    assert X_all.shape == (1500, 5) and y_all.shape == (1500,)
    assert X_all.dtype == y_all.dtype == np.float32

    # reference: the book's recipe, written out here in float64 from the file itself
    raw = np.genfromtxt(airfoil_env / "airfoil_self_noise.dat", delimiter="\t")
    standardised = (raw - raw.mean(axis=0)) / raw.std(axis=0)  # population std (ddof=0), all 1503 rows
    # (the book computes mean and std in float32: up to ~2e-5 from the float64 values)
    np.testing.assert_allclose(X_all, standardised[:1500, :5], atol=5e-5)
    np.testing.assert_allclose(y_all, standardised[:1500, 5], atol=5e-5)
    np.testing.assert_allclose(standardised.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(standardised.std(axis=0), 1)
    # the statistics of the first 1500 rows alone would give other values (so the check above can tell)
    by_1500 = (raw[:1500] - raw[:1500].mean(axis=0)) / raw[:1500].std(axis=0)
    assert np.abs(by_1500[:, :5] - X_all).max() > 1e-3

    X, y = next(iter(data_iter))
    assert X.shape == (10, 5) and y.shape == (10,) and X.dtype == y.dtype == np.float32
    first_epoch = np.concatenate([y._array for _, y in data_iter])
    second_epoch = np.concatenate([y._array for _, y in data_iter])
    assert sorted(first_epoch.tolist()) == sorted(y_all.tolist())
    assert not np.array_equal(first_epoch, second_epoch)  # a new order every epoch


def test_get_data_ch11_matches_d2l_float32_arithmetic(airfoil_env):
    # d2l: np.genfromtxt(..., dtype=np.float32) then (data - data.mean(axis=0)) / data.std(axis=0) in float32
    book = np.genfromtxt(airfoil_env / "airfoil_self_noise.dat", dtype=np.float32, delimiter="\t")
    book = (book - book.mean(axis=0)) / book.std(axis=0)
    data_iter, _ = get_data_ch11(batch_size=7, n=100)
    X_all, y_all = data_iter.dataset.arrays
    np.testing.assert_array_equal(X_all, book[:100, :-1])
    np.testing.assert_array_equal(y_all, book[:100, -1])
    assert len(data_iter) == 15


@pytest.mark.parametrize("n", [0, 1504, 2.0])
def test_get_data_ch11_rejects_bad_n(n):
    with pytest.raises(ValueError, match="n must be an int from 1 to 1503"):
        get_data_ch11(n=n)
