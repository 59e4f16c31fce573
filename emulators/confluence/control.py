"""Control plane `/__emulator/` (contracts §1.4-1.6): truth, stats, request log, mutations,
faults. No authentication; loopback only."""
from __future__ import annotations

from emulators.confluence.json_response import JSONResponse

from . import access_truth, mutations
from .errors import ApiError
from .faults import parse_rules
from .routing import Route
from .truth import truth


def _emulator(ctx):
    return ctx.extras["emulator"]


def get_truth(ctx):
    login = ctx.query.get("user")
    inst = ctx.instance
    user = inst.user_for_login(login) if login else next(u for u in inst.users.values() if u.is_admin)
    if user is None:
        raise ApiError(400, f"unknown user {login!r}")
    return JSONResponse(truth(inst, user, ctx.user_timezone))


def get_stats(ctx):
    stats = _emulator(ctx).stats
    return JSONResponse({"total": sum(stats.values()), "by_route": dict(stats)})


def reset_stats(ctx):
    emulator = _emulator(ctx)
    emulator.stats.clear()
    emulator.requests_log.clear()
    return JSONResponse({"ok": True})


def get_requests(ctx):
    return JSONResponse(list(_emulator(ctx).requests_log))


def mutate(ctx):
    body = ctx.json() or {}
    ops = body.get("ops") if isinstance(body, dict) else body
    results = []
    for op in ops or []:
        try:
            results.append(mutations.apply(ctx.instance, op))
        except mutations.MutationError as bad:
            raise ApiError(400, f"op #{len(results)}: {bad}") from None
    return JSONResponse({"results": results})


def set_faults(ctx):
    try:
        rules = parse_rules(ctx.json() or [])
    except (TypeError, ValueError) as bad:
        raise ApiError(400, str(bad)) from None
    _emulator(ctx).faults.set(rules)
    return JSONResponse({"rules": len(rules)})


def clear_faults(ctx):
    _emulator(ctx).faults.clear()
    return JSONResponse({"rules": 0})


def health(ctx):
    return JSONResponse({"ok": True, "mode": ctx.mode})


ROUTES = [
    Route("GET", "/__emulator/truth", get_truth, "control"),
    Route("GET", "/__emulator/stats", get_stats, "control"),
    Route("POST", "/__emulator/reset-stats", reset_stats, "control"),
    Route("GET", "/__emulator/requests", get_requests, "control"),
    Route("POST", "/__emulator/mutate", mutate, "control"),
    Route("POST", "/__emulator/faults", set_faults, "control"),
    Route("DELETE", "/__emulator/faults", clear_faults, "control"),
    Route("GET", "/__emulator/health", health, "control"),
    *access_truth.ROUTES,
]
