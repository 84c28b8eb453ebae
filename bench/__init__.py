"""Benchmarks for issue #8: the enrolment-day rush, search at province scale, the lapse
sweep, the coverage report and a worker's memory. `python -m bench --help`; see README.md."""
