#!/usr/bin/env python3
"""Deterministic synthetic corpus of architecture documents for `make bench`.

    python3 bench/gen_corpus.py OUTDIR --docs N [--seed S]

Writes N Markdown documents under OUTDIR/decisions, OUTDIR/requirements, OUTDIR/runbooks and
OUTDIR/postmortems (file names `NNNN-slug.md`, at least 4 digits).  Each document is 1-20 KB
(log-uniform, so small documents are more common, as in real repositories) of technical prose built
from word lists, with YAML front matter, `* Status:` header bullets or a Nygard `## Status` section,
the kind's required sections, GFM tables, task lists, fenced code, emphasis, footnotes, autolinks,
IDs in prose and relative links (some with `#anchors`) to other generated documents.

The corpus is meant to be *valid* (no broken links or anchors, reciprocal supersedes relations, real
calendar dates, statuses the kind allows, correct weighted decision matrices) so that a benchmark
measures archbook's happy path.  Same arguments => byte-identical output (Python 3 stdlib only; only
`random.Random(seed)` is used for randomness; nothing depends on hash ordering, time or locale).
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import shutil
import sys

KINDS = [
    # kind, folder, ID prefix, share of the corpus
    ("decision", "decisions", "ADR", 0.40),
    ("requirement", "requirements", "REQ", 0.20),
    ("runbook", "runbooks", "RB", 0.20),
    ("postmortem", "postmortems", "INC", 0.20),
]

STATUSES = {
    # (value, weight)
    "decision": [("accepted", 55), ("proposed", 15), ("superseded", 12), ("rejected", 8), ("deprecated", 10)],
    "requirement": [("draft", 20), ("review", 20), ("approved", 35), ("implemented", 25)],
    "runbook": [("active", 75), ("draft", 25)],
    "postmortem": [("published", 60), ("in-review", 25), ("draft", 15)],
}

SECTIONS = {
    "decision": ["Context", "Decision", "Consequences"],
    "requirement": ["Functional Requirements", "Non-Functional Requirements", "Constraints"],
    "runbook": ["Overview", "Diagnosis", "Mitigation"],
    "postmortem": ["Summary", "Impact", "Timeline", "Root Cause", "Action Items", "Lessons Learned"],
}

# Optional extra top-level sections per kind (none collides with a required section name).
EXTRA_SECTIONS = {
    "decision": ["Options Considered", "Compliance", "Notes"],
    "requirement": ["Rationale", "Open Questions", "Acceptance Criteria"],
    "runbook": ["Escalation", "Verification", "Related Alerts"],
    "postmortem": ["Detection", "Supporting Information"],
}

MIN_SIZE = 1024
MAX_SIZE = 20 * 1024

# --------------------------------------------------------------------------------------------------
# Word lists

COMPONENTS = [
    "billing service", "API gateway", "ingestion pipeline", "search cluster", "payments ledger",
    "identity provider", "event bus", "notification worker", "metrics store", "config service",
    "order service", "CDN edge", "job scheduler", "feature-flag service", "reporting warehouse",
    "session store", "checkout flow", "inventory service", "audit log", "webhook dispatcher",
    "image resizer", "recommendation engine", "tenant directory", "pricing engine", "export worker",
    "mobile backend", "admin console", "rate limiter", "document store", "shipping tracker",
]
TECH = [
    "Kafka", "PostgreSQL", "Redis", "Elasticsearch", "Kubernetes", "Terraform", "gRPC", "GraphQL",
    "S3", "DynamoDB", "RabbitMQ", "Envoy", "Prometheus", "Grafana", "OpenTelemetry", "Vault",
    "Nginx", "ClickHouse", "Cassandra", "etcd", "Consul", "Istio", "Argo CD", "GitHub Actions",
    "SQLite", "NATS", "Temporal", "Debezium", "Flink", "Spark", "Airflow", "Keycloak", "Loki",
    "Jaeger", "Helm", "Pulumi", "MinIO", "CockroachDB", "TimescaleDB", "Memcached",
]
VERBS = [
    "handles", "buffers", "replicates", "throttles", "retries", "serialises", "partitions",
    "caches", "validates", "aggregates", "publishes", "consumes", "indexes", "shards",
    "schedules", "reconciles", "encrypts", "compresses", "deduplicates", "batches", "routes",
]
VERBS_INF = [
    "handle", "buffer", "replicate", "throttle", "retry", "serialise", "partition", "cache",
    "validate", "aggregate", "publish", "consume", "index", "shard", "schedule", "reconcile",
    "encrypt", "compress", "deduplicate", "batch", "route", "store", "expire", "migrate",
]
OBJECTS = [
    "write traffic", "customer events", "audit records", "session tokens", "invoices",
    "search queries", "deployment manifests", "feature flags", "batch exports", "webhook deliveries",
    "schema migrations", "TLS certificates", "rate-limit counters", "payment intents",
    "inventory snapshots", "user profiles", "email notifications", "price updates", "access logs",
    "tenant configuration", "shipment updates", "refund requests", "usage metrics", "API keys",
]
CONDITIONS = [
    "during peak load", "after a regional failover", "when the primary is unavailable",
    "under sustained back-pressure", "at the end of each billing cycle",
    "while a migration is in progress", "when a consumer falls behind", "on cold start",
    "during the nightly batch window", "when a node is drained", "after a deploy",
    "when the cache is cold", "if the upstream times out", "during a rolling restart",
    "whenever a tenant is onboarded", "while the leader election is running",
]
QUANTITIES = [
    ("p99 latency", "ms"), ("p95 latency", "ms"), ("error rate", "%"), ("throughput", "req/s"),
    ("replication lag", "s"), ("queue depth", "messages"), ("memory footprint", "MiB"),
    ("cost per million requests", "USD"), ("CPU utilisation", "%"), ("disk usage", "GiB"),
    ("connection count", "connections"), ("consumer lag", "messages"),
]
EFFECTS = [
    "reduces operational toil", "simplifies on-call", "adds a network hop",
    "increases the blast radius", "makes rollbacks cheaper", "doubles storage cost",
    "removes a single point of failure", "keeps the data model consistent",
    "needs careful capacity planning", "complicates local development",
    "shortens the feedback loop", "makes the failure mode explicit", "hides the latency from callers",
    "lets teams deploy independently", "requires a new on-call rotation", "cuts the bill noticeably",
    "moves complexity into the client", "gives us an audit trail for free",
]
DRAWBACKS = [
    "adds another system to operate", "requires a data migration", "ties us to a single vendor",
    "makes local testing slower", "needs new dashboards and alerts", "increases tail latency",
    "raises the licence cost", "means the team must learn a new query language",
    "forces a change to the public API", "makes debugging across services harder",
]
TEAMS = [
    "team-payments", "team-platform", "team-search", "team-identity", "team-data", "team-sre",
    "team-mobile", "team-growth", "team-checkout", "team-infra", "team-security", "team-catalog",
]
PEOPLE = [
    "Ann Larsen", "Bo Chen", "Chiara Rossi", "Dmitri Volkov", "Elena García", "Farah Haddad",
    "Gustav Berg", "Hana Sato", "Ivan Petrov", "Jonas Weber", "Kemi Adeyemi", "Lena Müller",
    "Marco Bianchi", "Nadia Rahman", "Olivier Dubois", "Priya Nair", "Quentin Moreau",
    "Rosa Álvarez", "Sven Olsen", "Tomás Novák", "Uma Iyer", "Viktor Horváth", "Wei Zhang",
    "Yusuf Demir", "Zoë Laurent",
]
TAGS = [
    "storage", "data", "security", "messaging", "observability", "networking", "api", "frontend",
    "mobile", "ci", "cost", "compliance", "performance", "reliability", "search", "payments",
    "identity", "infrastructure", "kubernetes", "database",
]
ADJECTIVES = [
    "managed", "self-hosted", "event-driven", "regional", "multi-tenant", "read-only",
    "idempotent", "asynchronous", "versioned", "encrypted", "sharded", "cached", "stateless",
    "append-only", "blue-green", "canary", "zero-downtime", "per-tenant",
]
TITLE_TEMPLATES = {
    "decision": [
        "Use {tech} for {obj}", "Adopt {adj} {comp}", "Replace {tech} with {tech2} in the {comp}",
        "Store {obj} in {tech}", "Move the {comp} to {tech}", "Introduce {adj} {obj}",
        "Deprecate direct database access from the {comp}", "Split the {comp} by tenant",
        "Standardise on {tech} for {obj}", "Run the {comp} on {tech}",
    ],
    "requirement": [
        "{Obj} retention for the {comp}", "Search over {obj}", "Export of {obj}",
        "Audit trail for {obj}", "Rate limits for the {comp}", "{Adj} {obj} in the {comp}",
        "Availability of the {comp}", "Latency budget for {obj}", "Access control for {obj}",
    ],
    "runbook": [
        "{Comp} is down", "High {quant} on the {comp}", "{Tech} disk almost full",
        "Failover of the {comp}", "Rotate {tech} credentials", "{Comp} consumer lag",
        "Restore {obj} from backup", "Drain a {tech} node", "Certificate expiry on the {comp}",
    ],
    "postmortem": [
        "{Comp} outage", "Degraded {obj} after {tech} upgrade", "Lost {obj} in the {comp}",
        "Elevated {quant} on the {comp}", "{Tech} cluster split brain", "Expired certificate on the {comp}",
        "Duplicate {obj} after failover", "Partial outage of the {comp}",
    ],
}
SUBHEADINGS = [
    "Background on {obj}", "Trade-offs for the {comp}", "How {tech} fits in", "Capacity estimate",
    "Migration plan for {obj}", "Security review notes", "Cost model", "Rollout steps",
    "Known limitations of {tech}", "Dependencies on the {comp}", "Failure modes", "Data model",
    "Monitoring and alerting", "Prior art", "Testing strategy", "Operational notes for {obj}",
]
LANGS = ["bash", "yaml", "sql", "json", "go", "python", "hcl", "text"]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def slugify(title: str) -> str:
    out = []
    for ch in title.lower():
        if "a" <= ch <= "z" or "0" <= ch <= "9":
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")[:60].strip("-")


def gh_anchor(heading: str) -> str:
    """GitHub's heading slug for the plain ASCII headings we generate."""
    out = []
    for ch in heading.lower():
        if ch.isalnum() or ch in "-_":
            out.append(ch)
        elif ch == " ":
            out.append("-")
    return "".join(out)


# --------------------------------------------------------------------------------------------------
# The plan: every document's identity is fixed before any text is written, so links can point anywhere.


class Doc:
    __slots__ = ("kind", "folder", "prefix", "num", "id", "title", "slug", "filename", "status",
                 "date", "style", "supersedes", "superseded_by", "target", "index")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))

    @property
    def relpath(self) -> str:
        return f"{self.folder}/{self.filename}"


def fill(rng: random.Random, template: str) -> str:
    tech, tech2 = rng.sample(TECH, 2)
    q = rng.choice(QUANTITIES)[0]
    values = {
        "tech": tech, "tech2": tech2, "Tech": tech,
        "comp": rng.choice(COMPONENTS), "Comp": cap(rng.choice(COMPONENTS)),
        "obj": rng.choice(OBJECTS), "Obj": cap(rng.choice(OBJECTS)),
        "adj": rng.choice(ADJECTIVES), "Adj": cap(rng.choice(ADJECTIVES)),
        "quant": q,
    }
    return template.format(**values)


def weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=1)[0]


def plan(n: int, rng: random.Random) -> list[Doc]:
    counts = [int(n * share) for (_, _, _, share) in KINDS]
    counts[0] += n - sum(counts)
    width = max(4, len(str(max(counts) if counts else 0)))
    start = dt.date(2016, 1, 4).toordinal()
    span = dt.date(2025, 11, 28).toordinal() - start
    docs: list[Doc] = []
    for (kind, folder, prefix, _), count in zip(KINDS, counts):
        for i in range(1, count + 1):
            title = fill(rng, rng.choice(TITLE_TEMPLATES[kind]))
            # Chronological numbering with jitter, like a real log.
            day = start + int(span * (i - 1) / max(1, count)) + rng.randint(0, 20)
            style = weighted(rng, [("front-matter", 50), ("nygard", 35), ("bullets", 15)])
            # log-uniform target size in [1 KB, 20 KB]
            target = int(math.exp(rng.uniform(math.log(MIN_SIZE), math.log(MAX_SIZE))))
            docs.append(Doc(
                kind=kind, folder=folder, prefix=prefix, num=i, id=f"{prefix}-{i:0{width}d}",
                title=title, slug=slugify(title), filename=f"{i:0{width}d}-{slugify(title)}.md",
                status=weighted(rng, STATUSES[kind]), date=dt.date.fromordinal(day).isoformat(),
                style=style, supersedes=[], superseded_by=None, target=target,
            ))
    for idx, d in enumerate(docs):
        d.index = idx

    # Supersede chains among decisions: a superseded ADR names a later, non-superseded ADR, and that
    # ADR records `supersedes` back.  Header-bullet documents carry no relations (the bullet
    # convention has no relation fields), so neither end uses that style.
    decisions = [d for d in docs if d.kind == "decision"]
    for pos, d in enumerate(decisions):
        if d.status != "superseded":
            continue
        later = [s for s in decisions[pos + 1: pos + 40] if s.status in ("accepted", "deprecated")]
        if not later:
            d.status = "deprecated"
            continue
        succ = rng.choice(later)
        if d.style == "bullets":
            d.style = "front-matter"
        if succ.style == "bullets":
            succ.style = "nygard"
        d.superseded_by = succ
        succ.supersedes.append(d)
    return docs


# --------------------------------------------------------------------------------------------------
# Text


class Writer:
    """Generates the blocks of one document."""

    def __init__(self, rng: random.Random, doc: Doc, docs: list[Doc], by_kind: dict[str, list[Doc]]):
        self.rng = rng
        self.doc = doc
        self.docs = docs
        self.by_kind = by_kind
        self.footnotes: list[str] = []
        self.sub_count = 0

    # ---- references to other documents
    def other(self, kind: str | None = None) -> Doc:
        pool = self.by_kind[kind] if kind else self.docs
        # Prefer near neighbours (documents tend to cite recent ones), sometimes anywhere.
        if kind is None or self.rng.random() < 0.3:
            return self.rng.choice(pool)
        base = min(len(pool) - 1, int(len(pool) * self.doc.index / max(1, len(self.docs))))
        j = max(0, min(len(pool) - 1, base + self.rng.randint(-30, 30)))
        return pool[j]

    def href(self, target: Doc, anchor: bool = False) -> str:
        if target.folder == self.doc.folder and self.rng.random() < 0.6:
            path = target.filename
        else:
            path = f"../{target.folder}/{target.filename}"
        if anchor:
            path += "#" + gh_anchor(self.rng.choice(SECTIONS[target.kind]))
        return path

    def link(self) -> str:
        t = self.other(self.rng.choice([None, "decision", "decision", "requirement", "runbook", "postmortem"]))
        r = self.rng.random()
        if r < 0.45:
            return f"[{t.id}]({self.href(t)})"
        if r < 0.8:
            return f"[{t.title}]({self.href(t)})"
        return f"[{t.id}]({self.href(t, anchor=True)})"

    def ref_id(self) -> str:
        return self.other(self.rng.choice(["decision", "requirement", "runbook", "postmortem"])).id

    # ---- inline text
    def deco(self, s: str) -> str:
        r = self.rng.random()
        if r < 0.06:
            return f"`{s}`"
        if r < 0.10:
            return f"*{s}*"
        if r < 0.13:
            return f"**{s}**"
        if r < 0.14:
            return f"~~{s}~~"
        return s

    def number(self, unit: str) -> str:
        rng = self.rng
        if unit == "%":
            return f"{rng.choice([0.1, 0.5, 1, 2, 5, 12, 25, 40, 75, 90, 99.9])}"
        return str(rng.choice([3, 12, 40, 85, 120, 250, 400, 900, 1500, 4000, 12000]))

    def sentence(self) -> str:
        rng = self.rng
        comp = "the " + self.deco(rng.choice(COMPONENTS))
        tech = self.deco(rng.choice(TECH))
        obj = rng.choice(OBJECTS)
        cond = rng.choice(CONDITIONS)
        k = rng.randrange(14)
        if k == 0:
            s = f"{cap(comp)} {rng.choice(VERBS)} {obj} {cond}."
        elif k == 1:
            q, unit = rng.choice(QUANTITIES)
            s = f"We observed that the {q} of {comp} rose to {self.number(unit)} {unit} {cond}."
        elif k == 2:
            s = f"Using {tech} for {obj} {rng.choice(EFFECTS)}, but it also {rng.choice(DRAWBACKS)}."
        elif k == 3:
            s = f"{rng.choice(TEAMS)} owns {comp} and is responsible for how it {rng.choice(VERBS)} {obj}."
        elif k == 4:
            q, unit = rng.choice(QUANTITIES)
            s = f"This keeps the {q} below {self.number(unit)} {unit} for {rng.choice([90, 95, 99, 99.9])}% of requests."
        elif k == 5:
            s = f"See {self.ref_id()} for the background on {obj}."
        elif k == 6:
            s = f"In practice, {comp} {rng.choice(VERBS)} {obj} through {tech}, which {rng.choice(EFFECTS)}."
        elif k == 7:
            s = f"The main risk is that {comp} cannot {rng.choice(VERBS_INF)} {obj} {cond}, which {rng.choice(EFFECTS)}."
        elif k == 8:
            s = f"As described in {self.link()}, {comp} {rng.choice(VERBS)} {obj} {cond}."
        elif k == 9:
            s = f"{rng.choice(PEOPLE)} pointed out that {tech} already {rng.choice(VERBS)} {obj} for {comp}."
        elif k == 10:
            s = (f"We need to {rng.choice(VERBS_INF)} {obj} without blocking {comp}, "
                 f"otherwise the {rng.choice(QUANTITIES)[0]} grows {cond}.")
        elif k == 11:
            s = f"This is consistent with {self.ref_id()} and {self.link()}."
        elif k == 12:
            s = (f"The dashboard at https://grafana.example.com/d/{rng.randrange(16**6):06x} shows "
                 f"the {rng.choice(QUANTITIES)[0]} of {comp} {cond}.")
        else:
            adj = rng.choice(ADJECTIVES)
            s = f"{'An' if adj[0] in 'aeiou' else 'A'} {adj} design {rng.choice(EFFECTS)} and {rng.choice(DRAWBACKS)}."
        if rng.random() < 0.03:
            n = len(self.footnotes) + 1
            self.footnotes.append(f"[^{n}]: {self.sentence_plain()}")
            s = s[:-1] + f"[^{n}]."
        return s

    def sentence_plain(self) -> str:
        rng = self.rng
        return (f"Measured on {rng.choice(COMPONENTS)} with {rng.choice(TECH)} "
                f"{rng.choice(CONDITIONS)}; see https://wiki.example.com/{slugify(rng.choice(OBJECTS))}.")

    def paragraph(self, lo: int = 2, hi: int = 6) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    # ---- blocks
    def bullets(self) -> str:
        return "\n".join(f"- {self.sentence()}" for _ in range(self.rng.randint(3, 7)))

    def ordered(self) -> str:
        rng = self.rng
        steps = []
        for i in range(1, rng.randint(3, 8) + 1):
            steps.append(f"{i}. {cap(rng.choice(VERBS_INF))} {rng.choice(OBJECTS)} on the "
                         f"{rng.choice(COMPONENTS)} {rng.choice(CONDITIONS)}.")
        return "\n".join(steps)

    def tasks(self) -> str:
        rng = self.rng
        items = []
        for _ in range(rng.randint(3, 8)):
            box = "x" if rng.random() < 0.5 else " "
            extra = f" ({self.ref_id()})" if rng.random() < 0.3 else ""
            items.append(f"- [{box}] {cap(rng.choice(VERBS_INF))} {rng.choice(OBJECTS)} in the "
                         f"{rng.choice(COMPONENTS)} — @{rng.choice(TEAMS)}{extra}")
        return "\n".join(items)

    def table(self) -> str:
        rng = self.rng
        kind = rng.randrange(3)
        if kind == 0:
            head = "| Component | Owner | Technology | SLO |\n|---|---|---|---:|"
            rows = [f"| {cap(rng.choice(COMPONENTS))} | {rng.choice(TEAMS)} | {rng.choice(TECH)} | "
                    f"{rng.choice(['99.5', '99.9', '99.95', '99.99'])}% |" for _ in range(rng.randint(3, 9))]
        elif kind == 1:
            head = "| Metric | Before | After | Change |\n|---|---:|---:|---:|"
            rows = []
            for _ in range(rng.randint(3, 8)):
                q, unit = rng.choice(QUANTITIES)
                a, b = rng.randint(10, 900), rng.randint(10, 900)
                rows.append(f"| {cap(q)} ({unit}) | {a} | {b} | {(b - a) * 100 // a:+d}% |")
        else:
            head = "| Option | Pros | Cons |\n|---|---|---|"
            rows = [f"| {rng.choice(TECH)} | {cap(rng.choice(EFFECTS))} | {cap(rng.choice(DRAWBACKS))} |"
                    for _ in range(rng.randint(2, 5))]
        return head + "\n" + "\n".join(rows)

    def matrix(self) -> str:
        """A weighted decision matrix that adds up: weights sum to 100%, scores are exact."""
        rng = self.rng
        options = rng.sample(TECH, rng.randint(2, 4))
        criteria = rng.sample(["Cost", "Operability", "Performance", "Team familiarity", "Maturity",
                               "Security", "Vendor lock-in", "Scalability"], rng.randint(3, 5))
        cuts = sorted(rng.sample(range(1, 20), len(criteria) - 1))
        weights = [5 * (b - a) for a, b in zip([0] + cuts, cuts + [20])]
        scores = [[rng.randint(1, 5) for _ in options] for _ in criteria]
        lines = ["| Criterion | Weight | " + " | ".join(options) + " |",
                 "|---|---:|" + "---:|" * len(options)]
        for c, w, row in zip(criteria, weights, scores):
            lines.append(f"| {c} | {w}% | " + " | ".join(str(s) for s in row) + " |")
        totals = [sum(w * row[j] for w, row in zip(weights, scores)) for j in range(len(options))]
        lines.append("| **Weighted Score** | | " + " | ".join(f"{t / 100:.2f}" for t in totals) + " |")
        return "\n".join(lines)

    def code(self) -> str:
        rng = self.rng
        lang = rng.choice(LANGS)
        comp = slugify(rng.choice(COMPONENTS))
        obj = slugify(rng.choice(OBJECTS)).replace("-", "_")
        if lang == "bash":
            body = "\n".join([
                f"kubectl -n {comp} get pods -l app={comp} -o wide",
                f"kubectl -n {comp} logs deploy/{comp} --since=15m | grep -i error | tail -n 50",
                f"curl -sf https://{comp}.internal.example.com/healthz || echo 'unhealthy'",
            ][: rng.randint(1, 3)])
        elif lang == "yaml":
            body = (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {comp}\n"
                    f"spec:\n  replicas: {rng.randint(2, 12)}\n  template:\n    spec:\n"
                    f"      containers:\n        - name: {comp}\n"
                    f"          image: registry.example.com/{comp}:{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}\n"
                    f"          resources:\n            limits:\n              memory: {rng.choice([256, 512, 1024, 2048])}Mi")
        elif lang == "sql":
            body = (f"SELECT tenant_id, count(*) AS n\nFROM {obj}\n"
                    f"WHERE created_at > now() - interval '{rng.randint(1, 48)} hours'\n"
                    f"GROUP BY tenant_id\nORDER BY n DESC\nLIMIT {rng.choice([10, 20, 50])};")
        elif lang == "json":
            body = (f'{{\n  "service": "{comp}",\n  "retries": {rng.randint(1, 8)},\n'
                    f'  "timeout_ms": {rng.choice([250, 500, 1000, 3000])},\n  "topics": ["{obj}.v1", "{obj}.dlq"]\n}}')
        elif lang == "go":
            body = (f"func (s *Server) handle{cap(obj.split('_')[0])}(ctx context.Context, req *Request) error {{\n"
                    f"\tctx, cancel := context.WithTimeout(ctx, {rng.randint(1, 30)}*time.Second)\n"
                    f"\tdefer cancel()\n\treturn s.store.Put(ctx, req.Key, req.Value)\n}}")
        elif lang == "python":
            body = (f"def backfill_{obj}(client, since):\n"
                    f"    for batch in client.scan('{obj}', since=since, page_size={rng.choice([100, 500, 1000])}):\n"
                    f"        client.publish('{comp}', batch)\n")
        elif lang == "hcl":
            body = (f'resource "aws_s3_bucket" "{obj}" {{\n  bucket = "{comp}-{obj.replace("_", "-")}"\n'
                    f'  tags = {{\n    team = "{rng.choice(TEAMS)}"\n  }}\n}}')
        else:
            body = "\n".join(f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} "
                             f"{rng.choice(['INFO', 'WARN', 'ERROR'])} {comp}: {rng.choice(VERBS)} {obj}"
                             for _ in range(rng.randint(3, 8)))
        fence = "~~~" if rng.random() < 0.1 else "```"
        return f"{fence}{lang}\n{body.rstrip()}\n{fence}"

    def quote(self) -> str:
        return "> " + self.paragraph(1, 3)

    def subsection(self) -> str:
        self.sub_count += 1
        heading = fill(self.rng, self.rng.choice(SUBHEADINGS))
        return f"### {heading}\n\n{self.paragraph()}"

    def block(self) -> str:
        r = self.rng.random()
        if r < 0.42:
            return self.paragraph()
        if r < 0.52:
            return self.bullets()
        if r < 0.58:
            return self.ordered()
        if r < 0.64:
            return self.tasks()
        if r < 0.73:
            return self.table()
        if r < 0.83:
            return self.code()
        if r < 0.88:
            return self.quote()
        return self.subsection()

    # ---- kind-specific openings of the required sections
    def seed_section(self, name: str) -> list[str]:
        rng, d = self.rng, self.doc
        if name == "Context":
            return [self.paragraph(3, 6)]
        if name == "Decision":
            out = [f"We will {rng.choice(VERBS_INF)} {rng.choice(OBJECTS)} with **{rng.choice(TECH)}** "
                   f"in the {rng.choice(COMPONENTS)}. " + self.paragraph(1, 3)]
            if rng.random() < 0.25:
                out.append(self.matrix())
            return out
        if name == "Consequences":
            return [self.bullets()]
        if name == "Functional Requirements":
            return ["\n".join(f"- **FR-{i}**: The {rng.choice(COMPONENTS)} shall {rng.choice(VERBS_INF)} "
                              f"{rng.choice(OBJECTS)} {rng.choice(CONDITIONS)}."
                              for i in range(1, rng.randint(3, 7) + 1))]
        if name == "Non-Functional Requirements":
            rows = []
            for i in range(1, rng.randint(2, 6) + 1):
                q, unit = rng.choice(QUANTITIES)
                rows.append(f"| NFR-{i} | {cap(q)} | ≤ {self.number(unit)} {unit} | {rng.choice(['Prometheus', 'load test', 'synthetic probe', 'monthly report'])} |")
            return ["| ID | Quality | Target | Measured by |\n|---|---|---|---|\n" + "\n".join(rows)]
        if name == "Constraints":
            return [self.bullets()]
        if name == "Overview":
            return [self.paragraph(2, 4)]
        if name == "Diagnosis":
            return [self.ordered(), self.code()]
        if name == "Mitigation":
            return [self.ordered()]
        if name == "Summary":
            return [self.paragraph(2, 4)]
        if name == "Impact":
            return [self.paragraph(1, 3), self.table()]
        if name == "Timeline":
            day = d.date
            h, m = rng.randint(0, 20), rng.randint(0, 59)
            rows = []
            for _ in range(rng.randint(4, 10)):
                m += rng.randint(2, 25)
                h, m = h + m // 60, m % 60
                if h > 23:
                    break
                rows.append(f"| {day} {h:02d}:{m:02d} UTC | {self.sentence()} |")
            return ["| Time | Event |\n|---|---|\n" + "\n".join(rows)]
        if name == "Root Cause":
            return [self.paragraph(3, 6)]
        if name == "Action Items":
            return [self.tasks()]
        if name == "Lessons Learned":
            return [self.bullets()]
        return [self.paragraph()]


def status_word(s: str) -> str:
    return "In review" if s == "in-review" else cap(s)


def render(doc: Doc, docs: list[Doc], by_kind: dict[str, list[Doc]], rng: random.Random) -> str:
    w = Writer(rng, doc, docs, by_kind)
    head: list[str] = []
    # Title: `# ADR-0012: Title`, `# 12. Title` (adr-tools, decisions only) or `# Title`.
    r = rng.random()
    if doc.kind == "decision" and r < 0.3:
        h1 = f"# {doc.num}. {doc.title}"
    elif r < 0.65:
        h1 = f"# {doc.id}: {doc.title}"
    else:
        h1 = f"# {doc.title}"

    people_key = "deciders" if doc.kind == "decision" else "owner"
    if doc.style == "front-matter":
        fm = ["---"]
        if rng.random() < 0.3:
            fm.append(f"id: {doc.id}")
        if rng.random() < 0.3:
            fm.append(f'title: "{doc.title}"')
        fm.append(f"status: {doc.status}")
        fm.append(f"date: {doc.date}")
        fm.append("tags: [" + ", ".join(rng.sample(TAGS, rng.randint(1, 4))) + "]")
        if people_key == "deciders":
            fm.append("deciders:")
            fm.extend(f"  - {p}" for p in rng.sample(PEOPLE, rng.randint(1, 4)))
        else:
            fm.append(f"owner: {rng.choice(TEAMS)}")
        if doc.supersedes:
            if len(doc.supersedes) == 1 and rng.random() < 0.5:
                fm.append(f"supersedes: {doc.supersedes[0].id}")
            else:
                fm.append("supersedes: [" + ", ".join(s.id for s in doc.supersedes) + "]")
        if doc.superseded_by:
            fm.append(f"superseded-by: {doc.superseded_by.id}")
        if doc.kind == "requirement" and rng.random() < 0.4:
            fm.append("relates-to: [" + ", ".join(sorted({w.other("decision").id for _ in range(rng.randint(1, 3))})) + "]")
        fm.append("---")
        head.append("\n".join(fm))
        head.append(h1)
    elif doc.style == "bullets":
        head.append(h1)
        b = [f"* Status: {doc.status}"]
        if people_key == "deciders":
            b.append("* Deciders: " + ", ".join(rng.sample(PEOPLE, rng.randint(1, 4))))
        else:
            b.append(f"* Owner: {rng.choice(TEAMS)}")
        b.append(f"* Date: {doc.date}")
        b.append("* Tags: " + ", ".join(rng.sample(TAGS, rng.randint(1, 3))))
        head.append("\n".join(b))
    else:  # nygard
        head.append(h1)
        head.append(f"Date: {doc.date}")
        st = [status_word(doc.status)]
        for s in doc.supersedes:
            st.append(f"Supersedes [{s.num}. {s.title}]({s.filename})")
        if doc.superseded_by:
            s = doc.superseded_by
            st.append(f"Superseded by [{s.num}. {s.title}]({s.filename})")
        head.append("## Status\n\n" + "\n\n".join(st))

    names = list(SECTIONS[doc.kind])
    extras = [e for e in EXTRA_SECTIONS[doc.kind] if rng.random() < 0.3]
    for e in extras:
        names.insert(rng.randint(1, len(names)), e)
    level = "##"
    sections = [[f"{level} {n}"] + w.seed_section(n) for n in names]

    def size() -> int:
        body = sum(len(b.encode()) + 2 for sec in sections for b in sec)
        return body + sum(len(b.encode()) + 2 for b in head) + sum(len(f.encode()) + 2 for f in w.footnotes)

    total = size()
    while total < doc.target:
        nfoot = len(w.footnotes)
        blk = w.block()
        n = len(blk.encode()) + 2 + sum(len(f.encode()) + 2 for f in w.footnotes[nfoot:])
        if total + n + 64 > MAX_SIZE:
            del w.footnotes[nfoot:]
            break
        sections[rng.randrange(len(sections))].append(blk)
        total += n

    parts = head + ["\n\n".join(sec) for sec in sections]
    if w.footnotes:
        parts.append("\n".join(w.footnotes))
    text = "\n\n".join(parts) + "\n"
    # Tiny documents can end up below 1 KB if the target was small and blocks were short.
    while len(text.encode()) < MIN_SIZE:
        sections[-1].append(w.paragraph())
        parts = head + ["\n\n".join(sec) for sec in sections]
        if w.footnotes:
            parts.append("\n".join(w.footnotes))
        text = "\n\n".join(parts) + "\n"
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--docs", type=int, required=True, help="number of documents")
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args(argv)
    if args.docs < 4:
        ap.error("--docs must be at least 4")

    rng = random.Random(args.seed)
    docs = plan(args.docs, rng)
    by_kind: dict[str, list[Doc]] = {}
    for d in docs:
        by_kind.setdefault(d.kind, []).append(d)

    os.makedirs(args.outdir, exist_ok=True)
    for _, folder, _, _ in KINDS:
        shutil.rmtree(os.path.join(args.outdir, folder), ignore_errors=True)
        os.makedirs(os.path.join(args.outdir, folder))
    total = 0
    for d in docs:
        # One RNG per document, derived from the seed: a document's text does not depend on how much
        # randomness earlier documents consumed.
        text = render(d, docs, by_kind, random.Random(f"{args.seed}/{d.relpath}"))
        data = text.encode("utf-8")
        total += len(data)
        with open(os.path.join(args.outdir, d.folder, d.filename), "wb") as f:
            f.write(data)
    print(f"{args.docs} documents, {total} bytes in {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
