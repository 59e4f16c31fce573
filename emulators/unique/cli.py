"""`unique-emulator serve --port 0 --port-file PATH --db PATH [--host 127.0.0.1] [--latency-ms N]
[--faults JSON|@file] [--assume name=value ...]`

Binds first, then writes the port file atomically (tmp + rename) once uvicorn accepts connections.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
from pathlib import Path

import uvicorn

from . import assumptions
from .app import Options, build_app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="unique-emulator", description="Loopback emulator of Unique's ingestion "
                                     "and scope-management services (see emulators/unique/README.md).")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="0 = any free port (see --port-file)")
    serve.add_argument("--port-file", type=Path, help="written atomically with the port once serving")
    serve.add_argument("--db", type=Path, required=True, help="SQLite file; blobs go to <db>.blobs/")
    serve.add_argument("--latency-ms", type=int, default=0, help="added to every API request (non-blocking)")
    serve.add_argument("--faults", default=None, help='JSON list of fault rules, or @file.json')
    serve.add_argument("--assume", action="append", default=[], metavar="NAME=VALUE",
                       help="switch a documented unknown (README 'Assumptions'); repeatable")
    return parser.parse_args(argv)


def load_faults(spec: str | None) -> list[dict]:
    if not spec:
        return []
    text = Path(spec[1:]).read_text() if spec.startswith("@") else spec
    parsed = json.loads(text)
    return parsed["rules"] if isinstance(parsed, dict) else parsed


def write_port_file(path: Path, port: int) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(str(port))
    os.replace(temporary, path)


async def serve(args: argparse.Namespace) -> None:
    options = Options(db_path=str(args.db), latency_ms=args.latency_ms, faults=load_faults(args.faults),
                      assumptions=assumptions.parse_cli(args.assume))
    app = build_app(options)
    # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then; with proto 0
    # Nagle + delayed ACK add ~40 ms to every reply on a kept-alive connection (measured).
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.host, args.port))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                                           timeout_keep_alive=30))

    async def announce_when_started() -> None:
        while not server.started:
            if server.should_exit:
                return
            await asyncio.sleep(0.01)
        if args.port_file:
            write_port_file(args.port_file, port)
        print(f"unique-emulator serving on http://{args.host}:{port}", file=sys.stderr, flush=True)

    announcer = asyncio.create_task(announce_when_started())
    await server.serve(sockets=[listener])
    announcer.cancel()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.command == "serve":
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
