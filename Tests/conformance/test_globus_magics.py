"""%globus in a real kernel, driven by jupyter_client, against the simulator."""
import json
import os
import time

import pytest
import requests
from jupyter_client.manager import start_new_kernel

from conftest import AUTOMATION_CLIENT, Sim, collect_iopub, interrupt_during, message_texts, run_cell, sign_in_link, stdout_of

MAPPED = "a7e9c3d1-5b2f-4e8a-9c6d-3f1b2e4d5c6a"
ALL_MESSAGES = []


@pytest.fixture
def globus(tmp_path):
    """(sim, start) where start(**env) starts a kernel pointed at the simulator with its own HOME."""
    sim = Sim()
    kernels = []

    logs = []

    def start(**env):
        log = open(tmp_path / f"kernel-{len(kernels)}.log", "w")  # the kernel's log lines, audited too
        logs.append(log)
        km, kc = start_new_kernel(kernel_name="globus", env={**os.environ, **sim.env, "HOME": str(tmp_path), **env,
                                                             "GLOBUS_KERNEL_LOG": "debug"}, stderr=log)
        kernels.append((km, kc))
        return km, kc

    yield sim, start
    issued = sim.http.get(sim.admin + "issued-tokens").json()
    for km, kc in kernels:
        try:  # history entries (inputs and outputs) are part of the audit too
            kc.history(hist_access_type="tail", n=1000, output=True)
            ALL_MESSAGES.append(kc.get_shell_msg(timeout=5)["content"])
        except Exception:
            pass
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    sim.stop()
    for log in logs:
        log.close()
    blob = json.dumps(ALL_MESSAGES) + "".join(open(log.name).read() for log in logs)
    leaked = [t for t in issued if t in blob]
    ALL_MESSAGES.clear()
    assert not leaked, f"{len(leaked)} issued token(s) appeared in kernel output, history or logs"
    assert AUTOMATION_CLIENT[1] not in blob, "the client secret appeared in kernel output or logs"
    # Token files private, directories private.
    for f in tmp_path.glob(".globus/app/*/*/tokens.*"):
        assert oct(f.stat().st_mode & 0o777) == "0o600" and oct(f.parent.stat().st_mode & 0o777) == "0o700"


def cell(kc, code, **kw):
    reply, msgs = run_cell(kc, code, **kw)
    ALL_MESSAGES.append([reply["content"]] + [m["content"] for m in msgs])
    return reply["content"], msgs


def shown_login_url(kc, msg_id):
    """The sign-in URL of the login display a running cell shows."""
    while True:
        m = kc.get_iopub_msg(timeout=10)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "display_data":
            return sign_in_link([m])


def login_with_stdin(sim, kc, code_line="%globus login", identity="alice@uchicago.edu"):
    msg_id = kc.execute(code_line, allow_stdin=True)
    req = kc.get_stdin_msg(timeout=10)
    assert req["content"]["prompt"] == "Enter the resulting Authorization Code here: "
    assert "Authorization Code" in req["content"]["prompt"] and req["content"]["password"] is True
    shown = []
    while True:
        m = kc.get_iopub_msg(timeout=10)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "display_data":
            shown.append(m)
            break
    url = sign_in_link(shown)
    assert "href=" in shown[0]["content"]["data"]["text/html"]
    kc.input(sim.approve(url, identity))
    reply = kc.get_shell_msg(timeout=10)
    msgs = collect_iopub(kc, msg_id)
    ALL_MESSAGES.append([reply["content"]] + [m["content"] for m in shown + msgs])
    return reply["content"], shown[0], msgs


@pytest.fixture
def alice(globus):
    """(sim, km, kc): a kernel started by `globus`, logged in (the code prompt answered) as
    alice@uchicago.edu."""
    sim, start = globus
    km, kc = start()
    assert login_with_stdin(sim, kc)[0]["status"] == "ok"
    return sim, km, kc


def login_then_run(sim, kc, login, code, expected):
    """Runs `login` (a login or consent line; its code prompt answered), then `code`: both
    succeed and what `code` shows includes `expected`."""
    reply, _, _ = login_with_stdin(sim, kc, login)
    assert reply["status"] == "ok"
    r, msgs = cell(kc, code)
    assert r["status"] == "ok" and expected in message_texts(msgs)


def test_stdin_login_replaces_the_prompt_in_place(globus):
    sim, start = globus
    km, kc = start()
    reply, prompt, msgs = login_with_stdin(sim, kc)
    assert reply["status"] == "ok"
    did = prompt["content"]["transient"]["display_id"]
    # The used link is cleared in place; the confirmation is a display of its own, so frontends
    # that ignore updates (jupyter console) show it too, and no frontend shows it twice.
    update = [m for m in msgs if m["msg_type"] == "update_display_data"]
    assert update and update[-1]["content"]["transient"]["display_id"] == did
    assert update[-1]["content"]["data"]["text/plain"] == ""
    shown = [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "display_data"]
    assert shown == ["Logged in as alice@uchicago.edu (Alice Researcher) via University of Chicago"]
    assert "Globus Simulator" in prompt["content"]["data"]["text/plain"]  # nobody mistakes it for real Globus
    r, msgs = cell(kc, "%globus login")
    assert "Already logged in as alice@uchicago.edu" in stdout_of(msgs) and "--force" in stdout_of(msgs)


def test_two_step_login_without_stdin_and_cached_login_after_restart(globus, tmp_path):
    sim, start = globus
    km, kc = start()
    r, msgs = cell(kc, "%globus login", allow_stdin=False)
    assert r["status"] == "ok"
    assert "%globus login --code PASTE_CODE_HERE" in message_texts(msgs)
    r, msgs = cell(kc, "%globus call transfer GET /task_list", allow_stdin=False)
    assert r["status"] == "error" and r["ename"] == "LoginRequired"
    assert "%globus login --code PASTE_CODE_HERE" in "\n".join(r["traceback"])
    code = sim.approve(sign_in_link(msgs))
    r, msgs = cell(kc, f"%globus login --code {code}", allow_stdin=False)
    assert r["status"] == "ok" and "Logged in as alice@uchicago.edu" in message_texts(msgs)
    # The token file is the Python SDK's, at its default path, private.
    path = tmp_path / ".globus/app/61338d24-54d5-408f-a10d-66c06b59f6d2/globus-kernel/tokens.json"
    doc = json.loads(path.read_text())
    assert doc["format_version"] == "2.0" and set(doc["data"]["DEFAULT"]) >= {"auth.globus.org", "transfer.api.globus.org"}
    assert oct(path.stat().st_mode & 0o777) == "0o600" and oct(path.parent.stat().st_mode & 0o777) == "0o700"
    # A restarted kernel uses the stored login without asking.
    km.restart_kernel(now=True)
    kc.wait_for_ready(timeout=20)
    r, msgs = cell(kc, "%globus call transfer GET /task_list", allow_stdin=False)
    assert r["status"] == "ok"
    data = [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert data["application/json"]["DATA_TYPE"] == "task_list"


def test_call_renders_tree_text_and_table_and_filters(alice):
    sim, km, kc = alice
    r, msgs = cell(kc, "%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial")
    data = [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert {"application/json", "text/plain", "text/html"} <= set(data)
    assert "<table>" in data["text/html"] and "Globus Tutorial Collection 1" in data["text/html"]
    r, msgs = cell(kc, "%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial --jmespath 'DATA[].display_name'")
    result = [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["application/json"]
    assert result == ["Globus Tutorial Collection 1", "Globus Tutorial Collection 2"]
    r, msgs = cell(kc, "%globus call groups GET /groups/my_groups --format table")
    assert "Research Computing Users" in message_texts(msgs) and " | " in message_texts(msgs)
    r, msgs = cell(kc, "%globus call transfer GET /task_list --format raw")
    assert json.loads([m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"])["total"] == 0
    # A cell body is the request body; the path gets /v0.10 added.
    r, msgs = cell(kc, '%%globus call transfer POST /operation/endpoint/31ce9ba0-176d-45a5-add3-f37d233ba47d/mkdir\n{"DATA_TYPE": "mkdir", "path": "/~/made-by-test"}')
    assert r["status"] == "ok" and "DirectoryCreated" in message_texts(msgs)
    r, msgs = cell(kc, "%globus call transfer GET /operation/endpoint/31ce9ba0-176d-45a5-add3-f37d233ba47d/ls --jmespath 'DATA[].name'")
    assert "made-by-test" in message_texts(msgs)
    r, msgs = cell(kc, "%globus call transfer GET /endpoint/nope --allow-errors")
    assert r["status"] == "ok" and "HTTP 404" in stdout_of(msgs, "stderr")
    r, msgs = cell(kc, "%globus whoami")
    assert message_texts(msgs).startswith("alice@uchicago.edu")
    r, msgs = cell(kc, "%globus tokens")
    t = message_texts(msgs)
    assert "transfer.api.globus.org" in t and "| refresh" in t


def test_gcs_calls_find_the_manager_through_transfer(alice):
    sim, km, kc = alice
    endpoint = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
    msg_id = kc.execute(f"%globus call gcs {endpoint} GET /api/collections --jmespath 'data[].display_name'", allow_stdin=True)
    # The endpoint's manage_collections scope is new: the kernel logs in for it, then retries.
    kc.get_stdin_msg(timeout=10)
    url = shown_login_url(kc, msg_id)
    assert f"{endpoint}%3Amanage_collections" in url
    kc.input(sim.approve(url))
    reply = kc.get_shell_msg(timeout=10)
    msgs = collect_iopub(kc, msg_id)
    ALL_MESSAGES.append([reply["content"]] + [m["content"] for m in msgs])
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "Globus Tutorial Collection 1" in message_texts(msgs)
    r, msgs = cell(kc, f"%globus call gcs {endpoint} GET /api/info --jmespath 'data[0].endpoint_id'")
    assert endpoint in message_texts(msgs)


def test_consent_and_version(alice):
    sim, km, kc = alice
    scope = f"urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/{MAPPED}/data_access]"
    login_then_run(sim, kc, f"%globus consent '{scope}'", f"%globus call transfer GET /operation/endpoint/{MAPPED}/ls --jmespath 'DATA[].name'",
                   "notes.txt")
    r, msgs = cell(kc, "%globus version")
    assert "globus-kernel 0.1.0" in message_texts(msgs) and "globus-sdk 4.10.0" in message_texts(msgs)
    r, msgs = cell(kc, "%globus consent")
    assert r["status"] == "error" and "missing SCOPE" in r["evalue"]


def test_consent_error_has_the_remedy_and_it_works(alice):
    sim, km, kc = alice
    r, msgs = cell(kc, f"%globus call transfer GET /operation/endpoint/{MAPPED}/ls")
    assert r["status"] == "error" and r["ename"] == "GlobusAPIError"
    assert r["evalue"] == "403 ConsentRequired: Missing required data_access consent"
    remedy = r["traceback"][-1].strip()
    assert remedy == f"%globus login --scope 'urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/{MAPPED}/data_access]'"
    login_then_run(sim, kc, remedy, f"%globus call transfer GET /operation/endpoint/{MAPPED}/ls --jmespath 'DATA[].name'", "experiment-42")


def test_auto_relogin_on_a_session_requirement(alice):
    sim, km, kc = alice
    sim.post_admin("faults", {"fault": "domain=anl.gov@/groups/"})
    r, msgs = cell(kc, "%globus call groups GET /groups/my_groups")
    assert r["ename"] == "GlobusAPIError" and r["traceback"][-1].strip() == "%globus login --session-domain anl.gov"
    cell(kc, "%globus config auto_relogin=true")
    msg_id = kc.execute("%globus call groups GET /groups/my_groups", allow_stdin=True)
    kc.get_stdin_msg(timeout=10)
    url = shown_login_url(kc, msg_id)
    assert "session_required_single_domain=anl.gov" in url
    kc.input(sim.approve(url, "alice@anl.gov"))  # Alice's linked identity at anl.gov
    reply = kc.get_shell_msg(timeout=10)
    msgs = collect_iopub(kc, msg_id)
    ALL_MESSAGES.append([reply["content"]] + [m["content"] for m in msgs])
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "Data Science 101" in message_texts(msgs)  # still Alice's groups


def test_switching_accounts_needs_logout(alice):
    sim, km, kc = alice
    reply, _, msgs = login_with_stdin(sim, kc, "%globus login --force", identity="bob@globusid.org")
    assert reply["status"] == "error" and reply["ename"] == "LoginRequired"
    assert "%globus logout" in "\n".join(reply["traceback"])
    cell(kc, "%globus logout")
    reply, _, msgs = login_with_stdin(sim, kc, "%globus login", identity="bob@globusid.org")
    assert reply["status"] == "ok"
    r, msgs = cell(kc, "%globus whoami")
    assert message_texts(msgs).startswith("bob@globusid.org")


def test_refresh_after_expiry_and_relogin_after_revoked_refresh(alice):
    sim, km, kc = alice
    sim.post_admin("expire-tokens")
    r, msgs = cell(kc, "%globus call transfer GET /task_list")
    assert r["status"] == "ok"
    sim.post_admin("expire-tokens")
    sim.post_admin("revoke-refresh-tokens")
    r, msgs = cell(kc, "%globus call transfer GET /task_list", allow_stdin=False)
    assert r["status"] == "error" and r["ename"] == "LoginRequired"
    assert "%globus login --code PASTE_CODE_HERE" in "\n".join(r["traceback"])


def test_client_app_mode(globus):
    sim, start = globus
    cid, secret = AUTOMATION_CLIENT
    km, kc = start(GLOBUS_CLIENT_ID=cid, GLOBUS_CLIENT_SECRET=secret)
    r, msgs = cell(kc, "%globus login", allow_stdin=False)
    assert r["status"] == "ok" and "no browser login is needed" in stdout_of(msgs)
    assert secret not in json.dumps([m["content"] for m in msgs])
    r, msgs = cell(kc, "%globus call transfer GET /task_list", allow_stdin=False)
    assert r["status"] == "ok"
    r, msgs = cell(kc, "%globus whoami")
    assert "Service account" in message_texts(msgs)
    r, msgs = cell(kc, "%globus config")
    assert "(service account)" in message_texts(msgs) and secret not in message_texts(msgs)


def test_interrupt_ends_a_slow_call_quickly(globus):
    sim, start = globus
    cid, secret = AUTOMATION_CLIENT
    km, kc = start(GLOBUS_CLIENT_ID=cid, GLOBUS_CLIENT_SECRET=secret)
    cell(kc, "%globus call transfer GET /task_list")
    sim.post_admin("faults", {"fault": "latency=10000@/transfer/v0.10/task_list"})
    msg_id, reply, elapsed = interrupt_during(km, kc, "%globus call transfer GET /task_list", after=0.5, timeout=5)
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert elapsed < 0.5, f"interrupt took {elapsed:.3f} s"
    print(f"\ninterrupt during a held call: reply after {elapsed * 1000:.0f} ms")
    collect_iopub(kc, msg_id)
    sim.http.delete(sim.admin + "faults")
    r, msgs = cell(kc, "%globus call transfer GET /task_list")
    assert r["status"] == "ok"


def test_errors_for_bad_usage_and_a_dead_network(globus):
    sim, start = globus
    km, kc = start(GLOBUS_SDK_SERVICE_URL_GROUPS="http://127.0.0.1:9/groups/")
    for code, needle in [("%globus call nosuch GET /x", "unknown service 'nosuch'"),
                         ("%globus call transfer FETCH /x", "unknown method 'FETCH'"),
                         ("%globus call transfer GET /x -Q novalue", "invalid query param"),
                         ("%globus call transfer GET /x --jmespath 'foo[' ", "invalid --jmespath"),
                         ("%globus frobnicate", "unknown subcommand 'frobnicate'"),
                         ("%globus login --code abc", "no login is waiting")]:
        r, msgs = cell(kc, code, allow_stdin=False)
        assert r["status"] == "error" and needle in r["evalue"], (code, r)
    cid, secret = AUTOMATION_CLIENT
    km2, kc2 = start(GLOBUS_CLIENT_ID=cid, GLOBUS_CLIENT_SECRET=secret, GLOBUS_SDK_SERVICE_URL_GROUPS="http://127.0.0.1:9/groups/")
    r, msgs = cell(kc2, "%globus call groups GET /groups/my_groups --no-retry")
    assert r["ename"] == "NetworkError" and "ConnectionError" in r["evalue"]


def test_help_completion_and_is_complete(globus):
    sim, start = globus
    km, kc = start()
    r, msgs = cell(kc, "%globus help call")
    assert "--jmespath" in message_texts(msgs) and "Examples:" in message_texts(msgs)
    for text, expected in [("%glo", ["%globus"]), ("%globus c", ["call", "collection", "config", "consent"]),
                           ("%globus call tr", ["transfer"]), ("%globus call transfer G", ["GET"]),
                           ("%globus call transfer GET /task", ["/task_list", "/task/"]),
                           ("%globus call transfer GET /task_list --fo", ["--format"]),
                           ("%globus call transfer GET /x --format t", ["table", "text"])]:
        kc.complete(text, len(text))
        assert sorted(kc.get_shell_msg(timeout=5)["content"]["matches"]) == sorted(expected), text
    kc.inspect("%globus call", 3)
    assert "Subcommands" in kc.get_shell_msg(timeout=5)["content"]["data"]["text/plain"]
    kc.is_complete("%globus call transfer GET \\")
    assert kc.get_shell_msg(timeout=5)["content"]["status"] == "incomplete"
    kc.is_complete("%%globus call transfer POST /transfer\n{\"DATA\": [")
    assert kc.get_shell_msg(timeout=5)["content"]["status"] == "incomplete"


def test_linked_identities_ask_for_view_identity_set(alice):
    sim, km, kc = alice
    # The default login has no view_identity_set: whoami --linked-identities logs in for it first.
    reply, _, msgs = login_with_stdin(sim, kc, "%globus whoami --linked-identities")
    assert reply["status"] == "ok"
    listed = message_texts(msgs)
    assert "alice@uchicago.edu" in listed and "alice@anl.gov" in listed


def test_https_reuses_one_connection_for_fifty_calls(alice):
    sim, km, kc = alice
    reply, _ = run_cell(kc, "%globus call transfer GET /task_list")
    before = sim.http.get(sim.admin + "connections").json()["connections"]
    for _ in range(50):
        reply, _ = run_cell(kc, "%globus call transfer GET /task_list --format raw")
        assert reply["content"]["status"] == "ok"
    after = sim.http.get(sim.admin + "connections").json()["connections"]
    print(f"50 warm HTTPS calls opened {after - before} new connections")
    assert after == before


def test_a_certificate_from_another_ca_is_refused_and_named(globus):
    sim, start = globus
    other = Sim()  # its own private CA: not the one that signed this simulator's certificate
    try:
        km, kc = start(GLOBUS_SDK_VERIFY_SSL=other.ca)
        run_cell(kc, "%globus login", allow_stdin=False)
        t = time.time()
        reply, msgs = run_cell(kc, "%globus login --code not-sent-anyway", allow_stdin=False, timeout=30)
        c = reply["content"]
        text = "\n".join(c["traceback"])
        assert c["ename"] == "NetworkError" and "TLSError" in c["evalue"]
        assert "certificate" in text and "GLOBUS_SDK_VERIFY_SSL" in text and other.ca in text
        assert time.time() - t < 5, "a certificate error is not retried"
    finally:
        other.stop()


def test_verification_off_works_and_says_it_is_insecure(globus):
    sim, start = globus
    km, kc = start(GLOBUS_SDK_VERIFY_SSL="false")
    reply, msgs = run_cell(kc, "%globus config environment")
    warned = stdout_of(msgs, "stderr")
    assert "NOT checked" in warned and "GLOBUS_SDK_VERIFY_SSL" in warned
    reply, shown, msgs = login_with_stdin(sim, kc)
    assert reply["status"] == "ok"
    reply, msgs = run_cell(kc, "%globus call transfer GET /task_list")
    assert reply["content"]["status"] == "ok" and "NOT checked" not in stdout_of(msgs, "stderr")  # said once


def test_demo_mode_never_touches_the_real_token_file(globus, tmp_path):
    sim, start = globus
    real_dir = tmp_path / ".globus" / "app" / "61338d24-54d5-408f-a10d-66c06b59f6d2" / "globus-kernel"
    real_dir.mkdir(parents=True, mode=0o700)
    real = real_dir / "tokens.json"
    real.write_text(json.dumps({"data": {"DEFAULT": {"transfer.api.globus.org": {
        "resource_server": "transfer.api.globus.org", "identity_id": "real-person", "scope": "urn:globus:auth:scope:transfer.api.globus.org:all",
        "access_token": "REAL-TOKEN-AT-GLOBUS", "refresh_token": "REAL-REFRESH", "expires_at_seconds": 4102444800, "token_type": "Bearer"}}},
        "format_version": "2.0", "globus-sdk.version": "4.10.0"}))
    real.chmod(0o600)
    before = (real.read_bytes(), real.stat().st_mtime_ns, sorted(p.name for p in real_dir.iterdir()))
    km, kc = start(GLOBUS_KERNEL_DEMO="")
    for line in ["%globus demo on --as alice@uchicago.edu", "%globus login", "%globus call transfer GET /task_list",
                 "%globus tokens", "%globus logout", "%globus demo off"]:
        reply, msgs = run_cell(kc, line, allow_stdin=False, timeout=60)
        assert reply["content"]["status"] == "ok", (line, reply["content"])
        if line == "%globus tokens":
            assert "REAL-" not in message_texts(msgs) and "real-person" not in message_texts(msgs)
    after = (real.read_bytes(), real.stat().st_mtime_ns, sorted(p.name for p in real_dir.iterdir()))
    assert after == before, "demo mode changed the real token folder"
    # And back out of demo mode, the real login is there as it was.
    reply, msgs = run_cell(kc, "%globus tokens", allow_stdin=False)
    assert "transfer.api.globus.org" in message_texts(msgs) and "real-person" in message_texts(msgs)


def test_logout_removes_every_token_even_those_another_session_stored(alice, tmp_path):
    sim, km, kc = alice
    # A Timers token, stored by this session; the next kernel has never heard of Timers.
    reply, _, _ = login_with_stdin(sim, kc, "%globus call timers GET /jobs/ --allow-errors")
    km.restart_kernel(now=True)
    kc.wait_for_ready(timeout=30)
    reply, msgs = run_cell(kc, "%globus logout", allow_stdin=False, timeout=60)
    assert reply["content"]["status"] == "ok"
    assert "524230d7-ea86-4a52-8312-86065a9e0417" in stdout_of(msgs)
    stored = json.loads((tmp_path / ".globus" / "app" / "61338d24-54d5-408f-a10d-66c06b59f6d2" / "globus-kernel" / "tokens.json").read_text())
    assert stored["data"].get("DEFAULT", {}) == {}
    # The next person logs in without being told to log out first.
    reply, _, _ = login_with_stdin(sim, kc, identity="bob@globusid.org")
    assert reply["status"] == "ok"


def test_a_token_never_goes_to_another_host(alice, tmp_path):
    sim, km, kc = alice
    catcher = Sim()  # another origin: it records whatever reaches it
    try:
        tokens = tmp_path / ".globus" / "app" / "61338d24-54d5-408f-a10d-66c06b59f6d2" / "globus-kernel" / "tokens.json"
        # The token file as a body: refused for what it holds, before any address is looked at.
        reply, _ = run_cell(kc, f"%globus call transfer POST {catcher.url('transfer')}collect --body-file {tokens}")
        c = reply["content"]
        assert c["ename"] == "SecretError" and "holds one of this kernel's tokens" in c["evalue"]
        # Any body: refused for where it would go.
        reply, _ = run_cell(kc, f"%globus call transfer POST {catcher.url('transfer')}collect --body '{{}}'")
        c = reply["content"]
        assert c["ename"] == "UsageError" and "Refusing to send the transfer token" in c["evalue"]
        assert catcher.http.get(catcher.admin + "requests").json()["requests"] == []
    finally:
        catcher.stop()


@pytest.mark.parametrize("preload", ["", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"])
def test_calls_work_with_the_allocator_the_process_was_given(globus, preload):
    # libcurl is bound deep (its symbols looked up among its own libraries first) only when
    # malloc is libc's; with an allocator put in with LD_PRELOAD it is loaded as usual, so memory
    # one allocator made never reaches the other's free. Both run a login, calls and a listing.
    sim, start = globus
    km, kc = start(LD_PRELOAD=preload)
    assert login_with_stdin(sim, kc)[0]["status"] == "ok"
    for code, expected in (("%globus call transfer GET /task_list -Q limit=1", "task_list"),
                           ("%globus ls 'Globus Tutorial Collection 1':/~/", "samples")):
        r, msgs = cell(kc, code)
        assert r["status"] == "ok" and expected in message_texts(msgs), message_texts(msgs)
    with open(f"/proc/{km.provisioner.process.pid}/maps") as f:
        maps = f.read()
    assert "libcurl" in maps and (("libjemalloc" in maps) == bool(preload))
