"""The two ways getting a data set can fail: its files are nowhere, or a file is there but wrong."""


class DataNotFoundError(FileNotFoundError):
    """A data set is in none of the places looked at (or not in the ``root`` given), and was not downloaded."""


class DataFileError(ValueError):
    """A data file exists but its contents are wrong (corrupt, truncated, not the expected file); names the file."""

    def __init__(self, path, problem):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
