"""The campaign prints how many inputs each target was given."""

from fuzzing import TRIED


def pytest_terminal_summary(terminalreporter):
    if TRIED:
        terminalreporter.section("fuzz inputs tried")
        for target, count in sorted(TRIED.items()):
            terminalreporter.write_line(f"{target}: {count:,}")
        terminalreporter.write_line(f"all targets: {sum(TRIED.values()):,}")
