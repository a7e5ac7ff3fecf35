"""Helpers of bench/profile_pages.py: `core` times renders and splits them into SQL, templates and the rest;
`pages` lists the pages of both deployments with addresses taken from the database.

Profiling a page (issue 19): `make profile` (or `.venv/bin/python bench/profile_pages.py`) renders every
public and officials' page afresh, in process, for a regency served from the national data set and for
the whole country, and prints per page the median and p95 time, the size, the queries and the split
SQL / templates / other (bench/results/profile-<deployment>.md). Then `--cprofile PAGE` on the slowest
pages says which functions the time goes to. Measure an optimisation with the same command before and
after, on the same machine, and compare the splits rather than one total: the machine is shared.
"""
