"""Differential tests: the Python globus-sdk 4.10 and the kernel do the same operation against
the same simulator, which records what each sends; the requests are compared field by field
(method, path, query as a multiset, JSON or form body, content type, authorization scheme, the
scopes asked for). Each operation prints `same` or `different: <reason>`; a difference not
listed in KNOWN_DIFFERENCES (each one written in the README with its reason) fails the test."""
import json
import os
import re
import subprocess
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import globus_sdk
import pytest
from jupyter_client.manager import start_new_kernel

from client_methods import CASES as CLIENT_CASES, KNOWN_DIFFERENCES as CLIENT_DIFFERENCES, TIMERS, NO_PYTHON_METHOD, canonical_scopes, swift_client_methods
from conftest import AUTOMATION_CLIENT, TUTORIAL_CLIENT, Sim, login_two_step, run_cell, sign_in_link
from test_simulator_python_sdk import SimulatorLogin

TUTORIAL1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
TUTORIAL2 = "31ce9ba0-176d-45a5-add3-f37d233ba47d"
FLOW = "24bc4997-b483-4c25-a19c-64b0afc00743"
INDEX = "1a57bbe5-5272-477f-9d31-343b8258b7a5"
KERNEL_SCOPES = {
    "auth.globus.org": ["openid", "profile", "email"],
    "transfer.api.globus.org": ["urn:globus:auth:scope:transfer.api.globus.org:all"],
    "groups.api.globus.org": ["urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships"],
    "search.api.globus.org": ["urn:globus:auth:scope:search.api.globus.org:search"],
}

# Differences that stay, on purpose; the README's "differences from the Python SDK" gives each.
KNOWN_DIFFERENCES = {
    "identities lookup": "query: AuthClient.get_identities adds provision=false (Globus's default); %globus call sends exactly the query given",
}

# Request fields that differ by nature (random or per-process values), compared for presence only.
VOLATILE_QUERY = {"code_challenge"}


def restore_environ(saved):
    """Puts back the variables a test changed (None: the variable was not set)."""
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


class Recorder:
    def __init__(self, sim):
        self.sim = sim

    def clear(self):
        self.sim.http.delete(self.sim.admin + "requests").raise_for_status()

    def take(self):
        reqs = self.sim.http.get(self.sim.admin + "requests").json()["requests"]
        self.clear()
        return reqs


def normalize(req):
    """The comparable form of a recorded request."""
    q = Counter((k, "<volatile>" if k in VOLATILE_QUERY else v) for k, v in req["query"])
    body = req["body"]
    scopes = None
    if isinstance(body, dict) and "scope" in body:
        scopes = sorted(body["scope"].split())
        body = {**body, "scope": "<compared as a set>"}
    ctype = (req["content_type"] or "").split(";")[0].strip() or None
    return {"method": req["method"], "path": req["path"], "query": q, "body": body, "content_type": ctype,
            "authorization": req["authorization"], "scopes": scopes}


def diff(a, b):
    """Fields in which two normalized requests differ."""
    return [f"{k}: python={a[k]!r} kernel={b[k]!r}" for k in a if a[k] != b[k]]


def authorize_query(url):
    q = Counter((k, "<volatile>" if k in VOLATILE_QUERY else v) for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True))
    scope = next((v for k, v in q if k == "scope"), "")
    del q[("scope", scope)]
    return {"path": urlsplit(url).path, "query": q, "scopes": sorted(scope.split())}


class CaptureOnly(Exception):
    pass


class CapturingLogin(SimulatorLogin):
    """Keeps each authorize URL; with `capture_only`, stops there (like the kernel's two-step)."""
    urls = []
    capture_only = False

    def print_authorize_url(self, authorize_url):
        CapturingLogin.urls.append(authorize_url)
        super().print_authorize_url(authorize_url)

    def prompt_for_code(self):
        if CapturingLogin.capture_only:
            raise CaptureOnly()
        return super().prompt_for_code()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    sim = Sim()
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, **sim.env, "HOME": str(home)}
    for k in ("GLOBUS_CLIENT_ID", "GLOBUS_CLIENT_SECRET"):
        env.pop(k, None)
    saved = {k: os.environ.get(k) for k in sim.env}
    os.environ.update(sim.env)
    CapturingLogin.sim = sim
    cfg = globus_sdk.GlobusAppConfig(login_flow_manager=CapturingLogin, token_storage="memory", request_refresh_tokens=True)
    app = globus_sdk.UserApp("Globus Kernel", client_id=TUTORIAL_CLIENT, config=cfg, scope_requirements=KERNEL_SCOPES)
    km, kc = start_new_kernel(kernel_name="globus", env=env)
    yield sim, Recorder(sim), app, kc, env
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    sim.stop()
    restore_environ(saved)


def kernel(kc, *lines, stdin=False):
    for line in lines:
        reply, msgs = run_cell(kc, line, allow_stdin=stdin, timeout=60)
        yield reply, msgs


def kernel_call(sim, kc, line):
    """Runs a line; when it first needs a login for a new service (two-step here, as no stdin),
    signs in as a person would and runs the line again (as the Python SDK logs in, then calls)."""
    (reply, msgs), = kernel(kc, line)
    text = "".join(m["content"].get("data", {}).get("text/plain", "") for m in msgs if m["msg_type"] == "display_data")
    if "/oauth2/authorize?" in text:
        (r, _), = kernel(kc, f"%globus login --code {sim.approve(sign_in_link(msgs))}")
        assert r["content"]["status"] == "ok"
        (reply, msgs), = kernel(kc, line)
    return reply, msgs


def kernel_login(sim, kc, line="%globus login --force"):
    content, link = login_two_step(sim, kc, line=line)
    assert content["status"] == "ok"
    return link


def pick(reqs, method, path_re, side=""):
    found = [r for r in reqs if r["method"] == method and re.search(path_re, r["path"])]
    assert found, f"{side}: no {method} {path_re} among {[(r['method'], r['path']) for r in reqs]}"
    return normalize(found[0])


def test_python_sdk_and_kernel_send_the_same_requests(world, capsys):
    sim, rec, app, kc, env = world
    results = []

    def report(name, differences):
        known = KNOWN_DIFFERENCES.get(name)
        if not differences:
            results.append((name, "same", None))
        else:
            results.append((name, "different: " + (known or "; ".join(differences)), None if known else differences))

    # --- login: authorize URL and code exchange
    rec.clear()
    app.login(force=True)
    py_url = CapturingLogin.urls[-1]
    py_reqs = rec.take()
    k_url = kernel_login(sim, kc)
    k_reqs = rec.take()
    a, b = authorize_query(py_url), authorize_query(k_url)
    report("authorize URL (login)", [f"{k}: python={a[k]!r} kernel={b[k]!r}" for k in a if a[k] != b[k]])
    report("code exchange", diff(pick(py_reqs, "POST", r"/oauth2/token$"), pick(k_reqs, "POST", r"/oauth2/token$")))

    # --- authorize URL variants (the kernel's two-step form shows the URL; not finished)
    # (`--scope` last: the kernel keeps a scope asked for with --scope as a requirement of the session.)
    variants = [
        ("authorize URL --session-domain", dict(session_required_single_domain=["anl.gov"]), "%globus login --session-domain anl.gov"),
        ("authorize URL --session-identity", dict(session_required_identities=["alice@anl.gov"]),
         "%globus login --session-identity alice@anl.gov"),
        ("authorize URL --mfa", dict(session_required_mfa=True), "%globus login --mfa"),
        ("authorize URL --prompt-login", dict(prompt="login"), "%globus login --prompt-login"),
        ("authorize URL --scope", dict(required_scopes=["urn:globus:auth:scope:groups.api.globus.org:all"]),
         "%globus login --scope urn:globus:auth:scope:groups.api.globus.org:all"),
    ]
    # (In a kernel of their own: `--scope` adds a requirement for the rest of the session.)
    CapturingLogin.capture_only = True
    km_v, kc_v = start_new_kernel(kernel_name="globus", env=env)
    try:
        for name, params, line in variants:
            with pytest.raises(CaptureOnly):
                app.login(auth_params=globus_sdk.gare.GlobusAuthorizationParameters(**params))
            py_url = CapturingLogin.urls[-1]
            (_, msgs), = kernel(kc_v, line)
            a, b = authorize_query(py_url), authorize_query(sign_in_link(msgs))
            report(name, [f"{k}: python={a[k]!r} kernel={b[k]!r}" for k in a if a[k] != b[k]])
    finally:
        kc_v.stop_channels()
        km_v.shutdown_kernel(now=True)
    CapturingLogin.capture_only = False
    rec.take()

    # --- service calls: (name, python call, kernel line, method, path pattern)
    ac = globus_sdk.AuthClient(app=app)
    tc = globus_sdk.TransferClient(app=app)
    gc = globus_sdk.GroupsClient(app=app)
    sc = globus_sdk.SearchClient(app=app)
    alice = ac.userinfo()["sub"]
    rec.take()
    body_mkdir = {"DATA_TYPE": "mkdir", "path": "/~/differential"}
    calls = [
        ("userinfo", lambda: ac.userinfo(), "%globus whoami", "GET", r"/oauth2/userinfo$"),
        ("identities lookup", lambda: ac.get_identities(usernames=["bob@globusid.org"]),
         "%globus call auth GET /v2/api/identities -Q usernames=bob@globusid.org", "GET", r"/api/identities$"),
        ("consents", lambda: ac.get_consents(alice),
         f"%globus call auth GET /v2/api/identities/{alice}/consents -Q all=False", "GET", r"/consents$"),
        ("transfer endpoint_search", lambda: tc.endpoint_search("Tutorial", limit=5),
         "%globus call transfer GET /endpoint_search -Q filter_fulltext=Tutorial -Q limit=5", "GET", r"/endpoint_search$"),
        ("transfer ls", lambda: tc.operation_ls(TUTORIAL1, path="/~/"),
         f"%globus call transfer GET /operation/endpoint/{TUTORIAL1}/ls -Q path=/~/", "GET", r"/ls$"),
        ("transfer mkdir", lambda: tc.operation_mkdir(TUTORIAL1, "/~/differential"),
         f"%globus call transfer POST /operation/endpoint/{TUTORIAL1}/mkdir --body '{json.dumps(body_mkdir)}'", "POST", r"/mkdir$"),
        ("transfer submission_id", lambda: tc.get_submission_id(), "%globus call transfer GET /submission_id", "GET", r"/submission_id$"),
        ("transfer task_list with filters", lambda: tc.task_list(filter="status:ACTIVE,SUCCEEDED", limit=10),
         "%globus call transfer GET /task_list -Q filter=status:ACTIVE,SUCCEEDED -Q limit=10", "GET", r"/task_list$"),
        ("groups my_groups", lambda: gc.get_my_groups(), "%globus call groups GET /groups/my_groups", "GET", r"/my_groups$"),
        ("search query", lambda: sc.search(INDEX, "tutorial", limit=3),
         f"%globus call search GET /v1/index/{INDEX}/search -Q q=tutorial -Q limit=3 --allow-errors", "GET", r"/search$"),
    ]
    for name, py, line, method, path in calls:
        try:
            py()
        except globus_sdk.GlobusAPIError:
            pass
        py_reqs = rec.take()
        kernel_call(sim, kc, line)
        k_reqs = rec.take()
        report(name, diff(pick(py_reqs, method, path, "python"), pick(k_reqs, method, path, "kernel")))

    # --- submissions whose body the Python SDK builds: the kernel sends the same body text
    def submit(name, build, path, method="POST", service="transfer"):
        try:
            build()
        except globus_sdk.GlobusAPIError:
            pass  # the simulator need not implement it: what was sent is compared
        py_reqs = rec.take()
        p = pick(py_reqs, method, path)
        body = dict(p["body"])
        k_path = [r["path"] for r in py_reqs if re.search(path, r["path"])][0]
        rel = re.sub(r"^/[^/]+", "", k_path)
        kernel_call(sim, kc, f"%globus call {service} {method} {rel} --allow-errors --body '{json.dumps(body)}'")
        report(name, diff(p, pick([r for r in rec.take() if "/oauth2/" not in r["path"]], method, path, "kernel")))

    def transfer():
        tdata = globus_sdk.TransferData(TUTORIAL1, TUTORIAL2, label="differential")
        tdata.add_item("/~/file1.txt", "/~/file1.txt")
        tc.submit_transfer(tdata)

    def delete():
        ddata = globus_sdk.DeleteData(TUTORIAL2, label="differential delete")
        ddata.add_item("/~/file1.txt")
        tc.submit_delete(ddata)

    submit("transfer submit", transfer, r"/transfer$")
    submit("delete submit", delete, r"/delete$")
    timers = globus_sdk.TimersClient(app=app)
    submit("timers create", lambda: timers.create_timer(globus_sdk.TransferTimer(
        name="differential",
        schedule=globus_sdk.OnceTimerSchedule(), body=globus_sdk.TransferData(TUTORIAL1, TUTORIAL2))),
        r"/v2/timer$", service="timers")
    flow = globus_sdk.SpecificFlowClient(FLOW, app=app)
    submit("flows run", lambda: flow.run_flow({"input": 1}, label="differential"), rf"/flows/{FLOW}/run$", service="flows")

    # --- refresh (tokens expire at the server; both refresh once, then retry)
    sim.post_admin("expire-tokens")
    rec.clear()
    tc.task_list()
    py_reqs = rec.take()
    list(kernel(kc, "%globus call transfer GET /task_list"))
    k_reqs = rec.take()
    report("refresh", diff(pick(py_reqs, "POST", r"/oauth2/token$"), pick(k_reqs, "POST", r"/oauth2/token$")))

    # --- GCS manager (collections on the endpoint's manager, with manage_collections)
    gcs_scope = f"urn:globus:auth:scope:{TUTORIAL1}:manage_collections"
    manager = tc.get_endpoint(TUTORIAL1)["gcs_manager_url"]
    gcs = globus_sdk.GCSClient(manager, app=app, app_scopes=[globus_sdk.Scope(gcs_scope)])
    gcs.resource_server = TUTORIAL1
    rec.take()
    try:
        gcs.get_collection_list()
    except (globus_sdk.GlobusAPIError, ValueError):
        pass
    py_reqs = rec.take()
    (reply, msgs), = kernel(kc, f"%globus call gcs {TUTORIAL1} GET /api/collections")
    k_reqs = rec.take()
    if not [r for r in k_reqs if r["path"].endswith("/api/collections")]:
        # The kernel logs in for the endpoint's scope first (two-step here): finish it and retry.
        code = sim.approve(sign_in_link(msgs))
        list(kernel(kc, f"%globus login --code {code}", f"%globus call gcs {TUTORIAL1} GET /api/collections"))
        k_reqs = rec.take()
    report("GCS manager call", diff(pick(py_reqs, "GET", r"/api/collections$"), pick(k_reqs, "GET", r"/api/collections$")))

    # --- revoke (logout)
    app.logout()
    py_reqs = [normalize(r) for r in rec.take() if r["path"].endswith("/token/revoke")]
    list(kernel(kc, "%globus logout --all"))
    k_reqs = [normalize(r) for r in rec.take() if r["path"].endswith("/token/revoke")]
    report("revoke", [] if py_reqs and len(py_reqs) <= len(k_reqs) and all(not diff(py_reqs[0], k) for k in k_reqs)
           else [f"python sent {len(py_reqs)} revokes, kernel {len(k_reqs)}"] + (diff(py_reqs[0], k_reqs[0]) if py_reqs and k_reqs else []))

    # --- client credentials (a service account on both sides)
    cid, secret = AUTOMATION_CLIENT
    # A service account asks for the services' scopes and openid (profile and email describe a person).
    service_scopes = {rs: v for rs, v in KERNEL_SCOPES.items() if rs != "auth.globus.org"}
    capp = globus_sdk.ClientApp("Globus Kernel", client_id=cid, client_secret=secret,
                                config=globus_sdk.GlobusAppConfig(token_storage="memory"), scope_requirements=service_scopes)
    rec.clear()
    capp.login(force=True)
    py_reqs = rec.take()
    km2, kc2 = start_new_kernel(kernel_name="globus", env={**env, "GLOBUS_CLIENT_ID": cid, "GLOBUS_CLIENT_SECRET": secret})
    try:
        list(kernel(kc2, "%globus login"))
        k_reqs = rec.take()
    finally:
        kc2.stop_channels()
        km2.shutdown_kernel(now=True)
    report("client credentials", diff(pick(py_reqs, "POST", r"/oauth2/token$"), pick(k_reqs, "POST", r"/oauth2/token$")))

    with capsys.disabled():
        print("\nDifferential corpus (Python globus-sdk 4.10 vs the kernel, same simulator):")
        for name, verdict, _ in results:
            print(f"  {name:36} {verdict}")
        print(f"  {len(results)} operations: {sum(v == 'same' for _, v, _ in results)} same, "
              f"{sum(v != 'same' for _, v, _ in results)} different (each with its reason)")
    unexplained = {name: d for name, _, d in results if d}
    assert not unexplained, unexplained


# --- every client method of the Swift SDK, driven directly (gk-client-calls), against the Python SDK

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
LOGIN_PATHS = re.compile(r"/oauth2/(token|authorize)|/v2/web/|/sim/|/\.well-known/|/jwk\.json")
RESOURCE_SERVERS = {"transfer": "transfer.api.globus.org", "auth": "auth.globus.org", "groups": "groups.api.globus.org",
                    "search": "search.api.globus.org", "flows": "flows.globus.org", "flow": FLOW, "timers": TIMERS,
                    "gcs": TUTORIAL1}


def client_calls_path():
    kernel_bin = os.environ.get("GLOBUS_KERNEL_BIN", "globus-kernel")
    for path in [os.environ.get("GK_CLIENT_CALLS_BIN"), os.path.join(os.path.dirname(kernel_bin), "gk-client-calls"),
                 os.path.join(ROOT, ".build", "debug", "gk-client-calls")]:
        if path and os.access(path, os.X_OK):
            return path
    pytest.fail("no gk-client-calls: build it with `swift build --product gk-client-calls`")


class SwiftClients:
    """gk-client-calls: the Swift SDK's client methods, one JSON line each way."""

    def __init__(self, env):
        self.proc = subprocess.Popen([client_calls_path()], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def call(self, method, args, token):
        self.proc.stdin.write(json.dumps({"method": method, "args": args, "token": token}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def sent(rec):
    """The requests since the last take, as compared: the login's own requests left out, a fresh
    submission id marked as such."""
    out = []
    for r in rec.take():
        if LOGIN_PATHS.search(r["path"]):
            continue
        n = normalize(r)
        if isinstance(n["body"], dict) and "submission_id" in n["body"]:
            n["body"] = {**n["body"], "submission_id": "<volatile>"}
        out.append(n)
    return out


def compare_requests(py, swift):
    if len(py) != len(swift):
        return [f"python sent {len(py)} requests {[(r['method'], r['path']) for r in py]}, "
                f"swift {len(swift)} {[(r['method'], r['path']) for r in swift]}"]
    return [f"request {i + 1}: {d}" for i, (a, b) in enumerate(zip(py, swift)) for d in diff(a, b)]


def python_method(client, dotted):
    for part in dotted.split("."):
        client = getattr(client, part)
    return client


def run_python(case, clients, args):
    """The Python SDK's call: its answer's data (every page of a paginator), or None on an API error."""
    kwargs = case.py(globus_sdk, args) if case.py else args
    try:
        result = python_method(clients[case.client], case.python)(**kwargs)
        if case.python.startswith("paginated."):
            return [page.data for page in result]
        return result.data if hasattr(result, "data") else result
    except globus_sdk.GlobusAPIError:
        return None


def scope_requirements_python(case, args):
    """What the Python client's scope method asks a fresh app for, on the client's resource server."""
    app = globus_sdk.UserApp("Globus Kernel", client_id=TUTORIAL_CLIENT, config=globus_sdk.GlobusAppConfig(token_storage="memory"))
    client = {"transfer": globus_sdk.TransferClient, "timers": globus_sdk.TimersClient}[case.client](app=app)
    getattr(client, case.python)(args["collection_ids"])
    return [str(s) for s in app.scope_requirements.get(RESOURCE_SERVERS[case.client], [])]


def test_every_client_method_sends_what_the_python_sdk_sends(tmp_path, capsys):
    """Each public method of the Swift SDK's clients, called directly, against the Python SDK's
    method of the same name with the same arguments: the requests each sent (method, path, query,
    body, content type, authorization scheme), or for the scope methods the scopes each app now
    asks for. Every Swift method has a case; every difference has its reason."""
    swift_methods = swift_client_methods(ROOT)
    covered = {c.swift for c in CLIENT_CASES}
    assert set(NO_PYTHON_METHOD) <= swift_methods, f"reasons for methods the SDK does not have: {sorted(set(NO_PYTHON_METHOD) - swift_methods)}"
    assert not covered & set(NO_PYTHON_METHOD), "a method with a case is also said to have no Python counterpart"
    missing = swift_methods - covered - set(NO_PYTHON_METHOD)
    assert missing == set(), f"client methods without a differential case: {sorted(missing)}"
    assert covered - swift_methods == set(), f"cases for methods the SDK does not have: {sorted(covered - swift_methods)}"
    known = subprocess.run([client_calls_path(), "--list"], capture_output=True, text=True, check=True).stdout.split()
    compared = swift_methods - set(NO_PYTHON_METHOD)
    assert set(known) == compared, f"gk-client-calls does not call: {sorted(compared - set(known))}"

    sim = Sim()
    saved = {k: os.environ.get(k) for k in sim.env}
    os.environ.update(sim.env)
    swift = SwiftClients({**os.environ, **sim.env, "HOME": str(tmp_path)})
    try:
        rec = Recorder(sim)
        CapturingLogin.sim = sim
        cfg = globus_sdk.GlobusAppConfig(login_flow_manager=CapturingLogin, token_storage="memory")
        app = globus_sdk.UserApp("Globus Kernel", client_id=TUTORIAL_CLIENT, config=cfg, scope_requirements=KERNEL_SCOPES)
        tc = globus_sdk.TransferClient(app=app)
        manager = tc.get_endpoint(TUTORIAL1)["gcs_manager_url"]
        gcs = globus_sdk.GCSClient(manager, app=app, app_scopes=[globus_sdk.Scope(f"urn:globus:auth:scope:{TUTORIAL1}:manage_collections")])
        gcs.resource_server = TUTORIAL1
        clients = {"transfer": tc, "auth": globus_sdk.AuthClient(app=app), "groups": globus_sdk.GroupsClient(app=app),
                   "search": globus_sdk.SearchClient(app=app), "flows": globus_sdk.FlowsClient(app=app),
                   "flow": globus_sdk.SpecificFlowClient(FLOW, app=app), "timers": globus_sdk.TimersClient(app=app), "gcs": gcs}
        ctx = {"clients": clients, "identity_id": clients["auth"].userinfo()["sub"],
               "group_id": clients["groups"].get_my_groups()[0]["id"]}
        client_args = {"gcs": {"endpoint_id": TUTORIAL1, "manager_url": manager}, "flow": {"flow_id": FLOW}}
        results = []
        for case in CLIENT_CASES:
            args = case.resolved(ctx)
            if case.compare == "scopes":
                py = canonical_scopes(scope_requirements_python(case, args))
                answer = swift.call(case.swift, args, "")
                assert answer["ok"], answer
                theirs = canonical_scopes(answer["result"].get(RESOURCE_SERVERS[case.client], []))
                differences = [] if py == theirs else [f"scopes: python={py!r} swift={theirs!r}"]
            else:
                rec.clear()
                py_result = run_python(case, clients, args)
                py_reqs = sent(rec)
                token = app.token_storage.get_token_data(RESOURCE_SERVERS[case.client])
                swift.call(case.swift, {**client_args.get(case.client, {}), **args}, token.access_token if token else "")
                differences = compare_requests(py_reqs, sent(rec))
                if case.keep and py_result is not None:
                    case.keep(ctx, py_result)
                    rec.clear()
            reason = CLIENT_DIFFERENCES.get(case.swift)
            verdict = "same" if not differences else "different: " + (reason or "; ".join(differences))
            results.append((case.swift, case.python, verdict, differences if differences and not reason else None))
            stale = reason and not differences
            if stale:
                results[-1] = (case.swift, case.python, "same (a known difference is gone)", [f"stale reason: {reason}"])
    finally:
        swift.close()
        sim.stop()
        restore_environ(saved)

    with capsys.disabled():
        print("\nClient methods (the Swift SDK called directly vs the Python globus-sdk 4.10, same simulator):")
        for swift_name, python_name, verdict, _ in results:
            print(f"  {swift_name:48} {python_name:36} {verdict}")
        print(f"  {len(results)} methods: {sum(v == 'same' for _, _, v, _ in results)} same, "
              f"{sum(v.startswith('different') for _, _, v, _ in results)} different (each with its reason)")
    unexplained = {name: d for name, _, _, d in results if d}
    assert not unexplained, unexplained
