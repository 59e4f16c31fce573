"""`confluence-emulator serve ...` (contracts §1.1). The port file is written atomically once
the server accepts connections; the time from start to ready is printed on stderr."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import uvicorn

from .app import Options, build_app
from .faults import parse_rules
from .generator import PROFILES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="confluence-emulator")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve an emulated Confluence site")
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--port-file", type=Path)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--mode", choices=("cloud", "datacenter"), default="cloud")
    serve.add_argument("--profile", choices=sorted(PROFILES), default="small")
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument("--latency-ms", type=int, default=0)
    serve.add_argument("--faults", default=None, help="FaultRule list as JSON, or @file.json")
    serve.add_argument("--user-timezone", default="America/Los_Angeles")
    serve.add_argument("--context-path", default="", help="Data Center context path, e.g. /confluence")
    serve.add_argument("--big-attachment-mb", type=int, default=0)
    serve.add_argument("--tls-cert", type=Path)
    serve.add_argument("--tls-key", type=Path)
    return parser


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


async def _serve(args, started: float) -> None:
    options = Options(mode=args.mode, profile=args.profile, seed=args.seed, latency_ms=args.latency_ms,
                      faults=parse_rules(args.faults), user_timezone=args.user_timezone,
                      context_path=args.context_path.rstrip("/"), big_attachment_mb=args.big_attachment_mb)
    app = build_app(options)
    config = uvicorn.Config(app, host=args.host, port=args.port, http="httptools", loop="asyncio",
                            log_level="warning", access_log=False, lifespan="off",
                            ssl_certfile=str(args.tls_cert) if args.tls_cert else None,
                            ssl_keyfile=str(args.tls_key) if args.tls_key else None)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()
            return
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    if args.port_file:
        _write_atomically(args.port_file, str(port))
    print(f"confluence-emulator ({args.mode}, {args.profile}) ready on port {port} in "
          f"{time.monotonic() - started:.2f}s", file=sys.stderr, flush=True)
    await serving


def main(argv: list[str] | None = None) -> None:
    started = time.monotonic()
    args = _parser().parse_args(argv)
    asyncio.run(_serve(args, started))


if __name__ == "__main__":
    main()
