"""Every response shape Globus publishes: the globus-sdk wheel ships `globus_sdk.testing` with
registered example responses captured from the real services. A replay server answers each one
(method, path, status, body, headers) and the matching `%globus call` runs through the kernel:
every success renders in every --format without a crash; every error is a GlobusAPIError that
names its status, code, message and request id exactly as the Python SDK parses them; a GARE
offers the login that satisfies it. The count covered is printed."""
import importlib
import json
import os
import pkgutil
import shlex
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import globus_sdk
import globus_sdk.testing.data as published
import pytest
import requests
from globus_sdk.testing.models import ResponseList
from jupyter_client.manager import start_new_kernel

from conftest import TUTORIAL_CLIENT, run_cell

SERVICES = {"auth": "auth", "transfer": "transfer", "groups": "groups", "search": "search", "timer": "timers",
            "flows": "flows", "compute": "compute", "gcs": "gcs"}
ERROR_CLASSES = {"auth": globus_sdk.AuthAPIError, "transfer": globus_sdk.TransferAPIError, "groups": globus_sdk.GroupsAPIError,
                 "search": globus_sdk.SearchAPIError, "timer": globus_sdk.TimersAPIError, "flows": globus_sdk.FlowsAPIError,
                 "compute": globus_sdk.ComputeAPIError, "gcs": globus_sdk.GCSAPIError}
GCS_ENDPOINT = "f6b1c5f2-0b2c-4f45-9d61-4d3a2c7a9e11"
FORMATS = ["json", "table", "text", "raw"]


def published_responses():
    """(module, case, RegisteredResponse) for every response the wheel registers."""
    out = []
    for m in pkgutil.walk_packages(published.__path__, published.__name__ + "."):
        if m.ispkg or m.name.rsplit(".", 1)[1].startswith("_"):
            continue
        rs = getattr(importlib.import_module(m.name), "RESPONSES", None)
        for case in rs.cases() if rs else []:
            v = rs.lookup(case)
            for r in (v.responses if isinstance(v, ResponseList) else [v]):
                out.append((m.name.removeprefix(published.__name__ + "."), case, r))
    return out


def body_of(r):
    if r.json is not None:
        return json.dumps(r.json).encode(), r.content_type or "application/json"
    if r.body is not None:
        return (r.body if isinstance(r.body, bytes) else r.body.encode()), r.content_type or "text/plain"
    return b"", r.content_type


class Replay:
    """Answers the one response under test at its path; token refreshes always succeed."""

    def __init__(self):
        self.current = None
        self.unexpected = []
        self.refresh = {}
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                sent = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                if path == "/transfer/v0.10/endpoint/" + GCS_ENDPOINT:
                    doc = {"DATA_TYPE": "endpoint", "id": GCS_ENDPOINT, "gcs_manager_url": f"http://127.0.0.1:{replay.port}/gcs"}
                    return self.reply(200, json.dumps(doc).encode(), "application/json", {})
                form = dict(parse_qsl(sent.decode()))
                if path == "/auth/v2/oauth2/token" and form.get("grant_type") == "refresh_token" and form.get("refresh_token") in replay.refresh:
                    rs, scope = replay.refresh[form["refresh_token"]]
                    doc = {"access_token": "replay-refreshed", "resource_server": rs, "scope": scope, "expires_in": 172800,
                           "token_type": "Bearer", "refresh_token": form["refresh_token"], "other_tokens": []}
                    return self.reply(200, json.dumps(doc).encode(), "application/json", {})
                cur = replay.current
                if cur and self.command == cur["method"] and path == cur["path"]:
                    return self.reply(cur["status"], cur["body"], cur["content_type"], cur["headers"])
                replay.unexpected.append((self.command, self.path))
                return self.reply(599, b"{}", "application/json", {})

            def reply(self, status, body, ctype, headers):
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in (headers or {}).items():
                    if k.lower() not in ("content-type", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, service, r):
        body, ctype = body_of(r)
        path = ("/gcs/api" if service == "gcs" else "/" + service) + (r.path if r.path.startswith("/") else "/" + r.path)
        self.current = {"method": r.method, "path": path, "status": r.status, "body": body, "content_type": ctype, "headers": r.headers}


def token_file(home, flows, replay):
    """Tokens for every resource server the calls need (never expiring during the test)."""
    exp = int(time.time()) + 86400
    rs_scopes = {
        "auth.globus.org": "openid profile email",
        "transfer.api.globus.org": "urn:globus:auth:scope:transfer.api.globus.org:all",
        "groups.api.globus.org": "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
        "search.api.globus.org": "urn:globus:auth:scope:search.api.globus.org:search",
        "524230d7-ea86-4a52-8312-86065a9e0417": "https://auth.globus.org/scopes/524230d7-ea86-4a52-8312-86065a9e0417/timer",
        "flows.globus.org": "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/all",
        "funcx_service": "https://auth.globus.org/scopes/facd7ccc-c5f4-42aa-916b-a0e270e2c2a9/all",
        GCS_ENDPOINT: f"urn:globus:auth:scope:{GCS_ENDPOINT}:manage_collections",
    }
    for f in flows:
        rs_scopes[f] = f"https://auth.globus.org/scopes/{f}/flow_{f.replace('-', '_')}_user"
    data = {rs: {"resource_server": rs, "identity_id": "c8aad43e-d274-11e5-bf98-8b02896cf782", "scope": s,
                 "access_token": f"replay-{i}", "refresh_token": f"replay-refresh-{i}", "expires_at_seconds": exp,
                 "token_type": "Bearer"} for i, (rs, s) in enumerate(rs_scopes.items())}
    replay.refresh = {d["refresh_token"]: (rs, d["scope"]) for rs, d in data.items()}
    path = home / ".globus" / "app" / TUTORIAL_CLIENT / "globus-kernel" / "tokens.json"
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_text(json.dumps({"data": {"DEFAULT": data}, "format_version": "2.0", "globus-sdk.version": "4.10.0"}))
    path.chmod(0o600)


def python_view(service, r):
    """How the Python SDK itself reads an error response: the oracle for the kernel's message."""
    body, ctype = body_of(r)
    resp = requests.Response()
    resp.status_code = r.status
    resp._content = body
    resp.headers.update({**(r.headers or {}), **({"Content-Type": ctype} if ctype else {})})
    resp.request = requests.Request(r.method, "https://example.org" + r.path).prepare()
    e = ERROR_CLASSES[service](resp)
    return e


def test_every_published_response_renders_or_is_named(tmp_path, capsys):
    cases = [(m, c, r) for m, c, r in published_responses() if r.service in SERVICES]
    skipped = [(m, c, r.service) for m, c, r in published_responses() if r.service not in SERVICES]
    flows = {r.path.split("/")[2] for _, _, r in cases if r.service == "flows" and r.path.count("/") >= 3
             and r.path.split("/")[1] == "flows" and (r.path.endswith("/run") or "/resume" in r.path)}
    replay = Replay()
    token_file(tmp_path, flows, replay)
    env = {**os.environ, "HOME": str(tmp_path), "GLOBUS_SDK_ENVIRONMENT": "production"}
    for k in ("GLOBUS_CLIENT_ID", "GLOBUS_CLIENT_SECRET", "GLOBUS_SDK_VERIFY_SSL", "GLOBUS_KERNEL_DEMO"):
        env.pop(k, None)
    for svc in ["auth", "transfer", "groups", "search", "timer", "flows", "compute"]:
        env[f"GLOBUS_SDK_SERVICE_URL_{svc.upper()}"] = f"http://127.0.0.1:{replay.port}/{svc}/"
    km, kc = start_new_kernel(kernel_name="globus", env=env)
    stats = {"responses": 0, "successes": 0, "renders": 0, "errors": 0, "gares": 0}
    failures = []
    try:
        for module, case, r in cases:
            stats["responses"] += 1
            replay.serve(r.service, r)
            target = f"gcs {GCS_ENDPOINT}" if r.service == "gcs" else SERVICES[r.service]
            path = ("/api" if r.service == "gcs" else "") + r.path
            call = f"%globus call {target} {r.method} {shlex.quote(path)} --no-retry"
            where = f"{module}:{case} ({r.method} {r.path} -> {r.status})"
            if r.status < 400:
                stats["successes"] += 1
                for fmt in FORMATS:
                    reply, msgs = run_cell(kc, f"{call} --format {fmt}", timeout=30, allow_stdin=False)
                    shown = [m for m in msgs if m["msg_type"] in ("execute_result", "display_data", "stream")]
                    if reply["content"]["status"] != "ok" or not shown:
                        failures.append(f"{where} --format {fmt}: {reply['content'].get('ename')} {reply['content'].get('evalue')}")
                    else:
                        stats["renders"] += 1
                continue
            stats["errors"] += 1
            reply, msgs = run_cell(kc, call, timeout=30, allow_stdin=False)
            content = reply["content"]
            text = "\n".join(content.get("traceback", []))
            expected = python_view(r.service, r)
            problems = []
            if content["status"] != "error" or content.get("ename") != "GlobusAPIError":
                problems.append(f"not a GlobusAPIError: {content.get('ename')} {content.get('evalue')}")
            if str(r.status) not in content.get("evalue", ""):
                problems.append(f"status {r.status} not named")
            if expected.code and expected.code != "Error" and expected.code not in text:
                problems.append(f"code {expected.code!r} not named")
            if expected.request_id and expected.request_id not in text:
                problems.append(f"request id {expected.request_id!r} not named")
            if expected.message and expected.message.split("\n")[0][:60] not in text:
                problems.append(f"message {expected.message[:60]!r} not named")
            if r.status == 403 and globus_sdk.gare.is_gare(r.json or {}):
                stats["gares"] += 1
                if "%globus login" not in text:
                    problems.append("GARE without the %globus login remedy")
            if problems:
                failures.append(f"{where}: " + "; ".join(problems) + "\n    " + text.replace("\n", "\n    ")[:600])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        replay.server.shutdown()
    with capsys.disabled():
        print(f"\nPublished responses (globus-sdk {globus_sdk.__version__} globus_sdk.testing): {stats['responses']} responses from "
              f"{len({m for m, _, _ in cases})} modules; {stats['successes']} successes rendered in {len(FORMATS)} formats "
              f"({stats['renders']} renders); {stats['errors']} errors named as the Python SDK names them, {stats['gares']} GAREs "
              f"with their login; not covered: {len(skipped)} ({', '.join(sorted({s for _, _, s in skipped})) or 'none'}: "
              "no such service in the kernel)")
    assert not replay.unexpected, replay.unexpected[:10]
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
