"""The networks the chapters train."""
from .conv import Conv2d
from .layers import Flatten, Linear, ReLU, Sequential
from .pooling import MaxPool2d


def lenet(generator=None):
    """The modern LeNet of d2l (ReLU and max-pooling instead of sigmoid and average-pooling), for 28x28 images:
    two 5x5 convolutions (6 and 16 channels) each followed by 2x2 max-pooling, then 400 -> 120 -> 84 -> 10."""
    return Sequential(
        Conv2d(1, 6, kernel_size=5, padding=2, generator=generator), ReLU(),
        MaxPool2d(kernel_size=2, stride=2),
        Conv2d(6, 16, kernel_size=5, generator=generator), ReLU(),
        MaxPool2d(kernel_size=2, stride=2),
        Flatten(),
        Linear(16 * 5 * 5, 120, generator=generator), ReLU(),
        Linear(120, 84, generator=generator), ReLU(),
        Linear(84, 10, generator=generator))
