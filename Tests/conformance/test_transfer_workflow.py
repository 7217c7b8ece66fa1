"""Notebook workflows through a real kernel: submit a transfer, watch it with one live display
updated in place, list the destination, in three cells that pass the task id along with
@{NAME}; interrupting a wait stops the waiting, not the task; a mapped collection's missing
consent ends with the exact login."""

from conftest import collect_iopub, interrupt_during, message_texts
from test_globus_magics import alice, cell, globus, login_then_run, login_with_stdin  # noqa: F401 (fixtures)

T1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
T2 = "31ce9ba0-176d-45a5-add3-f37d233ba47d"
MAPPED = "a7e9c3d1-5b2f-4e8a-9c6d-3f1b2e4d5c6a"


def test_submit_watch_and_list_in_three_cells(alice):
    sim, km, kc = alice
    r, msgs = cell(kc, f"%globus transfer '{T1}:/~/data' {T2}:/~/copy --recursive --as task")
    assert r["status"] == "ok", message_texts(msgs)
    assert "Kept as task" in message_texts(msgs)
    r, msgs = cell(kc, "%globus task wait @{task.task_id} --interval 0.2 --as done", timeout=30)
    assert r["status"] == "ok", message_texts(msgs)
    shown = [m for m in msgs if m["msg_type"] == "display_data"]
    updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
    assert len(shown) == 1 and len(updates) >= 2, "one display, updated in place"
    ids = {m["content"]["transient"]["display_id"] for m in shown + updates}
    assert len(ids) == 1
    assert any("/2 files" in m["content"]["data"]["text/plain"] for m in shown + updates)
    result = [m for m in msgs if m["msg_type"] == "execute_result"][-1]["content"]["data"]
    assert "SUCCEEDED, 2/2 files" in result["text/plain"]
    assert "<progress" in result["text/html"] and "application/json" not in result, "shown as its progress bar"
    r, msgs = cell(kc, "%globus ls @{done.destination_endpoint_id}:/~/copy")
    assert r["status"] == "ok", message_texts(msgs)
    assert message_texts(msgs).strip().splitlines() == ["results.csv", "readme.md"]


def test_interrupting_a_wait_stops_the_waiting_not_the_task(alice):
    sim, km, kc = alice
    sim.post_admin("faults", {"fault": "taskpause"})
    r, msgs = cell(kc, f"%globus transfer {T1}:/~/file1.txt {T2}:/~/file1.txt --as t")
    assert r["status"] == "ok", message_texts(msgs)
    msg_id, reply, elapsed = interrupt_during(km, kc, "%globus task wait @{t.task_id}", after=1.5, timeout=5)
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert elapsed < 0.5, f"the wait took {elapsed:.3f} s to stop"
    said = message_texts(collect_iopub(kc, msg_id))
    assert "Stopped waiting" in said and "goes on at Globus" in said
    r, msgs = cell(kc, "%globus task show @{t.task_id}")
    assert ": ACTIVE (PAUSED_BY_ADMIN)" in message_texts(msgs)
    r, msgs = cell(kc, "%globus task cancel @{t.task_id}")
    assert "Cancelled task" in message_texts(msgs)


def test_a_mapped_collection_asks_for_exactly_its_consent(alice):
    sim, km, kc = alice
    r, msgs = cell(kc, f"%globus transfer {MAPPED}:/~/notes.txt {T2}:/~/notes.txt")
    assert r["status"] == "error" and r["ename"] == "GlobusAPIError"
    remedy = [l.strip() for l in r["traceback"] if l.strip().startswith("%globus login --scope")]
    assert remedy and f"{MAPPED}/data_access" in remedy[0], r["traceback"]
    # The remedy, run as shown, makes the same transfer work.
    login_then_run(sim, kc, remedy[0], f"%globus transfer {MAPPED}:/~/notes.txt {T2}:/~/notes.txt", "Submitted transfer task")


def test_every_verb_through_a_real_kernel(globus):
    """Each verb once through jupyter_client, as a notebook would run it."""
    sim, start = globus
    km, kc = start()
    assert login_with_stdin(sim, kc, "%globus login --service flows")[0]["status"] == "ok"
    flow = "24bc4997-b483-4c25-a19c-64b0afc00743"
    steps = [
        ("%globus collection search 'Tutorial Collection' --as found", "Globus Tutorial Collection 2"),
        ("%globus collection show @{found.DATA[0].id}", "ID:"),
        (f"%globus mkdir {T2}:/~/verbs", "Made the folder /~/verbs"),
        (f"%globus rename {T2}:/~/verbs /~/verbs-2", "Renamed /~/verbs to /~/verbs-2"),
        (f"%globus ls {T2}:/~/ --long", "verbs-2/"),
        (f"%globus rm {T2}:/~/verbs-2 --recursive --as gone", "Submitted delete task"),
        ("%globus task wait @{gone.task_id} --interval 0.2", "SUCCEEDED"),
        ("%globus task list --limit 3", "DELETE"),
        (f"%%globus transfer {T1} {T2}\n/~/file1.txt /~/batch/file1.txt\n/~/file2.txt /~/batch/file2.txt", "Submitted transfer task"),
        ("%globus call transfer GET /task_list --paginate --limit 2 --jmespath 'length(DATA)'", "2 items in 1 page"),
        ("%globus vars", "@{found}"),
    ]
    for code, needle in steps:
        r, msgs = cell(kc, code, timeout=60)
        assert r["status"] == "ok" and needle in message_texts(msgs), (code, r, message_texts(msgs))
    # The session is read from userinfo's identity set, which needs its own consent (as a
    # native app may not introspect): asked once, through stdin.
    reply, _, msgs = login_with_stdin(sim, kc, "%globus session show")
    assert reply["status"] == "ok" and "alice@uchicago.edu" in message_texts(msgs) and " UTC" in message_texts(msgs), message_texts(msgs)
    # Timers ask for their own consent, answered through stdin.
    reply, _, msgs = login_with_stdin(sim, kc, f"%globus timer create transfer {T1}:/~/file3.txt {T2}:/~/file3.txt --name verbs --as tm")
    assert reply["status"] == "ok" and "Timer " in message_texts(msgs), message_texts(msgs)
    for code, needle in [("%globus timer list", "verbs"), ("%globus timer delete @{tm.timer.job_id}", "Deleted timer")]:
        r, msgs = cell(kc, code, timeout=60)
        assert r["status"] == "ok" and needle in message_texts(msgs), (code, r, message_texts(msgs))
    # A flow asks for its own consent: answered through stdin, as a person would.
    reply, _, msgs = login_with_stdin(sim, kc, f"%globus flows run {flow} --body '{{\"n\": 1}}' --as run")
    assert reply["status"] == "ok" and "Started run" in message_texts(msgs)
    r, msgs = cell(kc, "%globus flows status @{run.run_id} --wait --interval 0.2", timeout=60)
    assert r["status"] == "ok" and "SUCCEEDED" in message_texts(msgs)
