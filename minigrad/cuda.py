"""``minigrad.cuda``: there is no GPU here (minigrad runs on the CPU only), said the way PyTorch says it."""


def is_available():
    return False


def device_count():
    return 0
