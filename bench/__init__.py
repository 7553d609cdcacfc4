"""`make bench`: the service under wrk, beside a bare Starlette ceiling, and its cold start.

Run as `python -m bench` from the project's root (bench/run.sh does); bench/README.md says
what one run measures. One module per job:

- paths: where the bench reads and writes
- progress: the progress lines on stderr
- servers: uvicorn processes (the service, the ceiling) and their environment
- resources: what /proc says about a server (peak RSS, CPU time) and the machine
- seeding: the HTTP client and the data every run starts from
- wrk: one wrk run, its command line and its parsed result
- cases: the list of cases, and the ceiling and storm loads
- measure: a case's runs on a server (pre-flight, warm-up, settle), cold starts
- run: the whole run, from the cold starts to the login storm
- targets: the issue's targets, checked against a run
- report: the Markdown report
"""
