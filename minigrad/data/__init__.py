"""The chapter's data sets (Fashion-MNIST, airfoil self-noise), the IDX reader, and DataLoader."""
from .airfoil import get_data_ch11, load_airfoil
from .errors import DataFileError, DataNotFoundError
from .fashion_mnist import fashion_mnist_arrays, load_fashion_mnist, resize_images, text_labels
from .idx import read_idx
from .loader import ArrayDataset, DataLoader

__all__ = ["ArrayDataset", "DataFileError", "DataLoader", "DataNotFoundError", "fashion_mnist_arrays",
           "get_data_ch11", "load_airfoil", "load_fashion_mnist", "read_idx", "resize_images", "text_labels"]
