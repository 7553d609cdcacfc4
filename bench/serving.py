"""A side being served: its running server, the data seeded on it, the cases it can run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bench.cases import Case, Feature, load, probe
from bench.measure import preflight
from bench.progress import log
from bench.revisions import Side
from bench.seeding import Seeded, seed
from bench.servers import Server, service_server


@dataclass
class Service:
    side: Side
    server: Server
    seeded: Seeded
    features: dict[str, bool] = field(default_factory=dict)  # probed once, by Feature.name

    def has(self, feature: Feature) -> bool:
        if feature.name not in self.features:
            status, headers, _ = preflight(self.server.port, probe(feature, self.seeded))
            found = 200 <= status < 300 and (feature.header is None or feature.header in headers)
            self.features[feature.name] = found
        return self.features[feature.name]

    def unavailable(self, case: Case) -> str | None:
        """Why the case cannot run here (None: it can). Only a lenient side (the baseline) may
        lack a case: on the current revision a case that cannot run stops the bench."""
        reason = next((f"lacks {feature.name}" for feature in case.needs if not self.has(feature)), None)
        data = b""
        if reason is None:
            case_load = load(case, self.seeded)
            status, _, data = preflight(self.server.port, case_load)
            if case.accepts(status):
                return None
            reason = f"{case.method} {case_load.paths[0]} -> {status}"
        if not self.side.lenient:
            raise RuntimeError(f"{case.name} on the {self.side.title} side: {reason}: {data[:300]!r}")
        return reason


def start(side: Side, work: Path, database_url: str) -> Service:
    """The side's server started on `database_url`, a fresh database of its own, and seeded."""
    server = service_server(side, work / side.key / "data", work / f"{side.key}.log", database_url)
    server.start()
    try:
        log(f"seeding the {side.title} side ...")
        return Service(side, server, seed(server.port))
    except BaseException:
        server.stop()
        raise
