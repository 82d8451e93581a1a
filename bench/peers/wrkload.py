"""One round of load from wrk (Debian's `wrk`), the client the issue's first measurement used.

compare.py's own client is Python threads opening a connection per request; on two cores it
spends about as much CPU per request as the bare insert does, which narrows every ratio toward
1. wrk (C, 2 threads) costs the servers' cores far less. The bodies, headers, tokens and
Idempotency-Keys are the same as the Python client's: the bodies are written to files that a
generated Lua script reads, and the script counts the answers by status.

wrk stops after a duration, not a count: requests in flight at the stop (at most one per
connection) may have been stored without their answer being read, so "rows made" may exceed
the 201s by at most the number of connections. compare.py checks exactly that bound, and that
no Idempotency-Key made two rows (the Python client's run is the exact one-for-one check).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

LUA = r"""
local bodies, ctypes = {}, {}
local statics = %(statics)s
local tokens = %(tokens)s
local idempotent = %(idempotent)s
local prefix = "%(prefix)s"
local threads = {}
-- globals: thread:get() reads a thread's globals, not its locals
counter, n201, nother = 0, 0, 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  for i, path in ipairs(%(files)s) do
    local f = assert(io.open(path, "rb"))
    bodies[i] = f:read("*a")
    f:close()
  end
  ctypes = %(ctypes)s
end

function request()
  counter = counter + 1
  local i = counter %% #bodies + 1
  local h = {}
  for k, v in pairs(statics) do h[k] = v end
  h["Content-Type"] = ctypes[i]
  if idempotent then h["Idempotency-Key"] = prefix .. "-" .. tid .. "-" .. counter end
  if #tokens > 0 then h["Authorization"] = "Bearer " .. tokens[counter %% #tokens + 1] end
  return wrk.format("POST", "%(path)s", h, bodies[i])
end

function response(status, headers, body)
  if status == 201 then n201 = n201 + 1 else nother = nother + 1 end
end

function done(summary, latency, requests)
  local ok, other = 0, 0
  for _, t in ipairs(threads) do
    ok = ok + t:get("n201")
    other = other + t:get("nother")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"n201": %%d, "other": %%d, "seconds": %%f, "p50": %%f, "p99": %%f, "socket_errors": %%d}\n',
    ok, other, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout))
end
"""


def lua_list(items: list[str]) -> str:
    return "{" + ", ".join(json.dumps(s) for s in items) + "}"


def lua_table(mapping: dict[str, str]) -> str:
    return "{" + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in mapping.items()) + "}"


def available() -> bool:
    return shutil.which("wrk") is not None


def run(
    *,
    port: int,
    path: str,
    bodies: list[tuple[bytes, str]],
    headers: dict[str, str],
    tokens: list[str],
    idempotent: bool,
    prefix: str,
    connections: int,
    seconds: float,
) -> dict:
    """Load one target for `seconds`; returns n201, other (answers that were not 201), the
    duration, p50/p99 in ms and socket errors."""
    with tempfile.TemporaryDirectory(prefix="jiaoliuba-wrk-") as tmp:
        files = []
        for n, (body, _ctype) in enumerate(bodies):
            file = Path(tmp) / f"body{n}"
            file.write_bytes(body)
            files.append(str(file))
        script = Path(tmp) / "load.lua"
        script.write_text(
            LUA
            % {
                "statics": lua_table(headers),
                "tokens": lua_list(tokens),
                "idempotent": "true" if idempotent else "false",
                "prefix": prefix,
                "files": lua_list(files),
                "ctypes": lua_list([ctype for _body, ctype in bodies]),
                "path": path,
            },
            encoding="utf-8",
        )
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds:g}s",
                "--timeout",
                "60s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
        )
    if out.returncode != 0:
        raise SystemExit(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
    line = next(x for x in out.stdout.splitlines() if x.startswith("WRKJSON "))
    return json.loads(line.removeprefix("WRKJSON "))
