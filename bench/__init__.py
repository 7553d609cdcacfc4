"""`make bench`: the service under wrk, beside a bare Starlette ceiling, and its cold start;
with a baseline revision side by side when asked for; `make bench-scale` and `make bench-peer`
(against an idiomatic FastAPI peer) are modes of their own.

Run as `python -m bench` from the project's root (bench/run.sh does); bench/README.md says
what one run measures. One module per job:

- __main__: the options, the run, the report, the exit status
- paths, progress: where the bench reads and writes; its progress lines on stderr
- revisions: the sides of a run (the working tree, a baseline from git, METRICS=true), their venvs
- servers: uvicorn processes (a side's service, the ceiling) and their environment
- resources: what /proc says about a server (peak RSS, CPU time) and the machine
- seeding: the HTTP client and the data every server starts from
- cases: the declarative list of cases, and the ceiling's and storm's loads
- wrk: one wrk run, its command line and its parsed result
- measure: one run on a server (warm-up, wrk, settle), the sides' turns, the cold starts
- serving: a side's running server, its seeded data, the cases it can run
- run: the whole run, from the cold starts to the login storms
- results, compare: what a run found, per side; one side's figures over another's
- targets: the targets, checked against a run
- report: the Markdown report
- peer_main, peer_run, peer_report: `--peer`, the service against an idiomatic FastAPI peer
  (bench/peer/app.py, run in a venv of its own): the options, the run, the report and targets
"""
