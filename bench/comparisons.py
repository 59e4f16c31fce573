"""Issue #11's comparisons: this build against the baseline commit, and against the official connector's pattern.

Every comparison runs both sides one after the other against the SAME emulator process, in one
bench run, and reports the ratio of their wall times (process start to exit).

* `startup_spec`: `spec` of a fresh build of the baseline (`bench.baseline`, its Makefile's venv:
  no bytecode) and of the current tree (its Makefile's venv: bytecode compiled), each the minimum
  of a few runs with `PYTHONDONTWRITEBYTECODE=1`, so the cache stays what `make` left.
* `pages_markdown`: the `pages` stream (bodies and `body_markdown`), medium profile, 0 ms. The
  current build's profiled run (py-spy) goes first, unmeasured: both measured runs then find the
  emulator's caches warm (before, only the baseline, measured second, did).
* `peer_comparison`: the four streams both connectors have, medium, 100 ms: this source against
  `bench/peer/manifest.yaml` (our model of the official connector's requests, v1.0.27) run by the
  CDK's `source-declarative-manifest`.
* `large_full`'s baseline run (`baseline_large_full`): the same large full sync by the baseline,
  capped at `LARGE_BASELINE_CAP` × the current run's wall time (and by the bench's budget); a cut
  run proves the ratio is at least its wall time over the current one's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from bench.airbyte_messages import OutputTally, configured_catalog
from bench.baseline import BASELINE_COMMIT, build_baseline, build_current, source_command
from bench.connector_process import run_connector
from bench.emulator_process import VENV_BIN, EmulatorClient, child_env, confluence_emulator
from bench.profile_summary import profile_command
from bench.source_runs import ADMIN_CREDENTIALS, SourceRunner, connector_routes, source_config

PEER_MANIFEST = Path(__file__).resolve().parent / "peer" / "manifest.yaml"
PEER_COMMAND = str(VENV_BIN / "source-declarative-manifest")
SHARED_STREAMS = ("pages", "blog_posts", "spaces", "groups")  # this source's names
PEER_STREAMS = ("pages", "blog_posts", "space", "group")  # the official connector's names for the same
SPEC_SAMPLES = 3
LARGE_BASELINE_CAP = 4.0
MB = 1024 * 1024


def _run_figures(run: Any, emulator: EmulatorClient) -> dict:
    process = run.process
    routes = connector_routes(emulator.stats())
    return {"wall_seconds": round(process.wall_seconds, 3),
            "cpu_seconds": round(process.cpu_user_seconds + process.cpu_system_seconds, 3),
            "peak_rss_mb": round(process.peak_rss_bytes / MB, 1), "timed_out": process.timed_out,
            "records_total": run.tally.total_records, "records_per_stream": dict(sorted(run.tally.records_per_stream.items())),
            "requests_total": sum(routes.values()), "requests_by_route": routes, "errors": run.tally.errors}


class Comparisons:
    """Builds the baseline (and a fresh current build for `spec`) once, on first use."""

    def __init__(self, workdir: Path, seed: int = 1, deadline: float | None = None):
        self.workdir, self.seed, self.deadline = workdir, seed, deadline
        self._baseline: Path | None = None

    @property
    def baseline(self) -> Path:
        if self._baseline is None:
            self._baseline = build_baseline()
        return self._baseline

    def _runner(self, build: Path | None, label: str) -> SourceRunner:
        workdir = self.workdir / label
        workdir.mkdir(exist_ok=True)
        return SourceRunner(workdir, deadline=self.deadline,
                            command=source_command(build) if build is not None else None)

    # ── spec start-up ──────────────────────────────────────────────────────
    def startup_spec(self) -> dict:
        builds = {"baseline": self.baseline, "current": build_current()}
        walls: dict[str, list[float]] = {name: [] for name in builds}
        for _ in range(SPEC_SAMPLES):  # alternating, so load on the machine hits both alike
            for name, build in builds.items():
                run = self._runner(build, f"spec-{name}")._run(
                    "spec", ["spec"], OutputTally(), env_extra={"PYTHONDONTWRITEBYTECODE": "1"}, timeout_seconds=120)
                if not (run.tally.spec or {}).get("connectionSpecification"):
                    raise RuntimeError(f"{name} spec printed no specification")
                walls[name].append(round(run.process.wall_seconds, 3))
        best = {name: min(values) for name, values in walls.items()}
        return {"scenario": "startup_spec", "status": "ok", "baseline_commit": BASELINE_COMMIT, "samples": walls,
                "baseline_seconds": best["baseline"], "current_seconds": best["current"],
                "speedup": round(best["baseline"] / best["current"], 2)}

    # ── pages with bodies and Markdown ─────────────────────────────────────
    def pages_markdown(self, profile: str, latency_ms: int) -> dict:
        result: dict[str, Any] = {"scenario": "pages_markdown", "status": "ok", "profile": profile,
                                  "latency_ms": latency_ms, "baseline_commit": BASELINE_COMMIT}
        with confluence_emulator(profile, latency_ms, self.workdir, self.seed) as emulator:
            for name, build in (("current", None), ("baseline", self.baseline)):
                runner = self._runner(build, f"pages-{name}")
                config = source_config(emulator.base_url)
                catalog = configured_catalog(runner.discover(config), only_streams=["pages"])
                if name == "current":  # first, unmeasured, under py-spy: where the time goes; it also
                    # warms the emulator (its search and render caches), which the second run found warm.
                    result["py_spy_profile"] = self._profile(runner, config, catalog)
                with_markdown = [0]

                def count_markdown(record: dict, counter: list = with_markdown) -> None:
                    # Markdown present wherever the page has a storage body (an empty body has "").
                    data = record.get("data", {})
                    storage = ((data.get("body") or {}).get("storage") or {}).get("value")
                    markdown = data.get("body_markdown")
                    counter[0] += isinstance(markdown, str) and (bool(markdown) or not (storage or "").strip())

                emulator.reset_stats()
                run = runner.read(f"pages-{name}", config, catalog, record_inspectors={"pages": count_markdown})
                result[name] = {**_run_figures(run, emulator), "records_with_body_markdown": with_markdown[0]}
        result["speedup"] = round(result["baseline"]["wall_seconds"] / result["current"]["wall_seconds"], 2)
        return result

    def _profile(self, runner: SourceRunner, config: dict, catalog: dict) -> dict:
        workdir = self.workdir / "profile"
        workdir.mkdir(exist_ok=True)
        config_path, catalog_path = workdir / "config.json", workdir / "catalog.json"
        config_path.write_text(json.dumps(config))
        catalog_path.write_text(json.dumps(catalog))
        return profile_command([runner.command, "read", "--config", str(config_path), "--catalog", str(catalog_path)],
                               child_env(), workdir / "pages", timeout_seconds=runner._timeout(600))

    # ── against the official connector's request pattern ───────────────────
    def peer_comparison(self, profile: str, latency_ms: int) -> dict:
        result: dict[str, Any] = {"scenario": "peer_comparison", "status": "ok", "profile": profile,
                                  "latency_ms": latency_ms, "streams": list(SHARED_STREAMS)}
        with confluence_emulator(profile, latency_ms, self.workdir, self.seed) as emulator:
            runner = self._runner(None, "peer-current")
            config = source_config(emulator.base_url)
            catalog = configured_catalog(runner.discover(config), only_streams=SHARED_STREAMS)
            emulator.reset_stats()
            result["current"] = _run_figures(runner.read("peer-current", config, catalog), emulator)
            result["peer"] = self._peer_read(emulator)
        result["speedup"] = round(result["peer"]["wall_seconds"] / result["current"]["wall_seconds"], 2)
        return result

    def _peer_read(self, emulator: EmulatorClient) -> dict:
        workdir = self.workdir / "peer-model"
        workdir.mkdir(exist_ok=True)
        config = {"base_url": emulator.base_url, "email": ADMIN_CREDENTIALS["email"],
                  "api_token": ADMIN_CREDENTIALS["api_token"],
                  "__injected_declarative_manifest": yaml.safe_load(PEER_MANIFEST.read_text())}
        config_path = workdir / "config.json"
        config_path.write_text(json.dumps(config))
        runner = SourceRunner(workdir, deadline=self.deadline, command=PEER_COMMAND)
        discovered = runner._run("discover", ["discover", "--config", str(config_path)], OutputTally(),
                                 timeout_seconds=300).tally.catalog
        catalog = configured_catalog(discovered or {"streams": []}, only_streams=PEER_STREAMS)
        if len(catalog["streams"]) != len(PEER_STREAMS):
            raise RuntimeError(f"the peer model discovered {[s['stream']['name'] for s in catalog['streams']]}")
        catalog_path = workdir / "catalog.json"
        catalog_path.write_text(json.dumps(catalog))
        emulator.reset_stats()
        run = runner._run("read", ["read", "--config", str(config_path), "--catalog", str(catalog_path)], OutputTally())
        return {**_run_figures(run, emulator), "workers": 10, "manifest": str(PEER_MANIFEST.relative_to(
            PEER_MANIFEST.parents[2]))}

    # ── the baseline's large full sync, beside the current one ──────────────
    def baseline_full_sync(self, emulator: EmulatorClient, current_wall_seconds: float) -> dict:
        runner = self._runner(self.baseline, "large-baseline")
        config = source_config(emulator.base_url)
        catalog = configured_catalog(runner.discover(config))
        cap = max(60.0, LARGE_BASELINE_CAP * current_wall_seconds)
        emulator.reset_stats()
        run = runner.read("large-baseline", config, catalog, allow_timeout=True, timeout_seconds=cap)
        figures = _run_figures(run, emulator)
        figures["cap_seconds"] = round(cap, 1)
        # Cut by its cap or by the bench's budget: it had not finished, so its wall time is a lower bound.
        figures["cut"] = run.process.timed_out
        return figures
