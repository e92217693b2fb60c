import optim_testing


def pytest_terminal_summary(terminalreporter):
    if not optim_testing.WORST:
        return
    terminalreporter.section("minigrad.optim against PyTorch: worst relative difference seen")
    for (what, dtype), difference in sorted(optim_testing.WORST.items()):
        terminalreporter.write_line(f"{what:<40} {dtype:<8} {difference:.3g}")
