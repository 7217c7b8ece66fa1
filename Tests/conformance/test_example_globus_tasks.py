"""The example program Examples/globus-tasks, run as a person runs it: in a terminal (pexpect),
with the variables the simulator prints as its settings, the sign-in link approved in the
simulator (the browser's part) and the code pasted at the prompt. Its table must be the
simulator's task list, and its tokens must be where the Python SDK's UserApp("globus-tasks")
finds and uses them. As a service account (GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET) it signs
itself in and lists the account's own tasks, never showing the secret."""
import json
import os
import re
import stat

import globus_sdk
from globus_sdk.login_flows import CommandLineLoginFlowManager
import pexpect

from conftest import AUTOMATION_CLIENT, KERNEL_BIN, TUTORIAL_CLIENT, Sim

EXAMPLE_BIN = os.environ.get("GLOBUS_TASKS_BIN", os.path.join(os.path.dirname(KERNEL_BIN), "globus-tasks"))
PERSON = "alice@uchicago.edu"
HEADER = ["TASK ID", "STATUS", "TYPE", "REQUESTED", "LABEL"]
TUTORIAL_1, TUTORIAL_2 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc", "31ce9ba0-176d-45a5-add3-f37d233ba47d"


class NoLogin(CommandLineLoginFlowManager):
    """Python must find the example's tokens: a login here is a failure."""

    def print_authorize_url(self, authorize_url):
        raise AssertionError("the Python SDK did not find the example's tokens")


def example(env):
    return pexpect.spawn(EXAMPLE_BIN, env=env, encoding="utf-8", timeout=60)


def finish(child):
    """Waits for the program to end: (exit status, everything it printed since the last match)."""
    child.expect(pexpect.EOF)
    out = child.before
    child.close()
    return child.exitstatus, out


def clean_env(sim, home):
    """This process's environment, pointed at the simulator, without settings of the caller's."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GLOBUS_CLIENT_ID", "GLOBUS_CLIENT_SECRET", "GLOBUS_APP_NAME", "GLOBUS_KERNEL_DEMO")}
    env.update(sim.env, HOME=str(home))
    return env


def expected_table(transfer_client):
    """The table the program should print: the ten newest tasks, as the Python SDK reads them."""
    tasks = transfer_client.task_list(limit=10)["DATA"]
    return [HEADER] + [[t["task_id"], t["status"], t["type"], t["request_time"], t["label"] or ""] for t in tasks]


def assert_private_token_file(home, client_id):
    """The tokens are in the Python SDK's file for this app, format 2.0, readable by its owner only."""
    token_file = home / ".globus" / "app" / client_id / "globus-tasks" / "tokens.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert json.loads(token_file.read_text())["format_version"] == "2.0"
    return token_file.read_text()


def table(output):
    """The rows of the printed table, header first, each cell stripped (cells are 2+ spaces apart)."""
    lines = output.replace("\r\n", "\n").split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("TASK ID"))
    return [re.split(r"\s{2,}", l.strip()) for l in lines[start:] if l.strip()]


def test_example_signs_in_and_lists_the_simulators_tasks(tmp_path, monkeypatch):
    sim = Sim()
    try:
        sim.post_admin("tasks", {"count": 12, "identity": PERSON})
        env = clean_env(sim, tmp_path)

        child = example(env)
        child.expect_exact("Please authenticate with Globus here:")
        child.expect(r"(https://\S+/oauth2/authorize\?\S+)")
        url = child.match.group(1)
        child.expect_exact("Enter the resulting Authorization Code here: ")
        child.sendline(sim.approve(url, identity=PERSON))
        status, first = finish(child)
        assert status == 0, first
        assert_private_token_file(tmp_path, TUTORIAL_CLIENT)

        # The table is the simulator's task list, as the Python SDK reads it with those tokens.
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        app = globus_sdk.UserApp("globus-tasks", client_id=TUTORIAL_CLIENT,
                                 config=globus_sdk.GlobusAppConfig(login_flow_manager=NoLogin))
        expected = expected_table(globus_sdk.TransferClient(app=app))
        assert len(expected) == 11
        assert table(first) == expected, first

        # Run again: no sign-in, the same table.
        status, again = finish(example(env))
        assert status == 0, again
        assert "authenticate" not in again
        assert table(again) == expected, again
    finally:
        sim.stop()


def test_example_runs_as_a_service_account(tmp_path, monkeypatch):
    """GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET: no sign-in, the account's own tasks, no secret shown."""
    cid, secret = AUTOMATION_CLIENT
    sim = Sim()
    try:
        env = {**clean_env(sim, tmp_path), "GLOBUS_CLIENT_ID": cid, "GLOBUS_CLIENT_SECRET": secret}
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        # The account's first task, submitted from Python (its tokens in memory, not in the file).
        app = globus_sdk.ClientApp("globus-tasks", client_id=cid, client_secret=secret,
                                   config=globus_sdk.GlobusAppConfig(token_storage="memory"))
        tc = globus_sdk.TransferClient(app=app)
        data = globus_sdk.TransferData(source_endpoint=TUTORIAL_1, destination_endpoint=TUTORIAL_2, label="nightly copy")
        data.add_item("/~/", "/~/copy/", recursive=True)
        task_id = tc.submit_transfer(data)["task_id"]
        assert tc.task_wait(task_id, timeout=30, polling_interval=1)
        expected = expected_table(tc)
        assert expected[1][0] == task_id and expected[1][4] == "nightly copy"

        status, out = finish(example(env))
        assert status == 0, out
        assert "authenticate" not in out and "Authorization Code" not in out
        assert table(out) == expected, out
        assert secret not in out and secret not in assert_private_token_file(tmp_path, cid)
    finally:
        sim.stop()


def test_example_says_a_secret_needs_its_client_id(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "GLOBUS_CLIENT_ID"}
    status, out = finish(example({**env, "HOME": str(tmp_path), "GLOBUS_CLIENT_SECRET": "s3cret-value"}))
    assert status == 1
    assert "globus-tasks:" in out and "GLOBUS_CLIENT_ID" in out and "s3cret-value" not in out


def test_example_says_what_is_wrong_with_a_setting(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "GLOBUS_SDK_ENVIRONMENT": "nowhere"}
    status, out = finish(example(env))
    assert status == 1
    assert "globus-tasks:" in out and "GLOBUS_SDK_ENVIRONMENT" in out
