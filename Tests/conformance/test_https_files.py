"""Files over a collection's HTTPS server through a real kernel: `%globus open` shows the sample
CSV as a table and the PNG as image/png; `%globus get` then `%globus put` make a round trip, and
`put` keeps an existing remote file unless --overwrite; a 1 GB `get` in bounded memory."""
import base64
import json
import time

import pytest

from conftest import TUTORIAL_CLIENT, message_texts, reset_peak_rss, sign_in_link, status_kb
from test_globus_magics import alice, cell, globus, login_with_stdin  # noqa: F401 (fixtures)

T1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
T2 = "31ce9ba0-176d-45a5-add3-f37d233ba47d"


def result(msgs):
    return [m for m in msgs if m["msg_type"] == "execute_result"][-1]["content"]["data"]


@pytest.fixture
def alice_with_https(alice):
    """`alice` once Tutorial Collection 1's https scope is given: the first open of the sample
    CSV asked for it in the cell."""
    sim, km, kc = alice
    r, _, msgs = login_with_stdin(sim, kc, code_line=f"%globus open {T1}:/~/samples/table.csv")
    assert r["status"] == "ok", message_texts(msgs)
    return alice


def test_open_shows_the_csv_as_a_table_and_the_png_as_an_image(alice):
    sim, km, kc = alice
    # The collection's https scope is asked for once, by the first open, in the cell.
    r, _, msgs = login_with_stdin(sim, kc, code_line=f"%globus open {T1}:/~/samples/table.csv --as table")
    assert r["status"] == "ok", message_texts(msgs)
    data = result(msgs)
    assert "<th>temperature_c</th>" in data["text/html"] and "5 rows, 4 columns" in data["text/plain"]
    r, msgs = cell(kc, f"%globus open {T1}:/~/samples/gradient.png")
    assert r["status"] == "ok", message_texts(msgs)
    png = base64.b64decode(result(msgs)["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and "PNG image, 160×96" in result(msgs)["text/plain"]


def test_get_then_put_round_trip_and_put_keeps_an_existing_file(alice, tmp_path):
    sim, km, kc = alice
    local = tmp_path / "metadata.json"
    r, _, msgs = login_with_stdin(sim, kc, code_line=f"%globus get {T1}:/~/samples/metadata.json {local}")
    assert r["status"] == "ok", message_texts(msgs)
    assert b'"experiment": "tutorial"' in local.read_bytes()
    r, _, msgs = login_with_stdin(sim, kc, code_line=f"%globus put {local} {T2}:/~/copy.json")
    assert r["status"] == "ok", message_texts(msgs)
    assert "Uploaded" in message_texts(msgs)
    r, msgs = cell(kc, f"%globus open {T2}:/~/copy.json")
    assert r["status"] == "ok", message_texts(msgs)
    assert result(msgs)["application/json"]["experiment"] == "tutorial"
    # Again: the remote file is kept, and the error says how to replace it.
    local.write_bytes(b'{"experiment": "mine"}')
    r, msgs = cell(kc, f"%globus put {local} {T2}:/~/copy.json")
    assert r["status"] == "error" and r["ename"] == "UsageError", r
    assert f"{T2}:/~/copy.json already exists and was kept; add --overwrite to replace it" in r["evalue"]
    r, msgs = cell(kc, f"%globus open {T2}:/~/copy.json")
    assert result(msgs)["application/json"]["experiment"] == "tutorial"
    r, msgs = cell(kc, f"%globus put {local} {T2}:/~/copy.json --overwrite")
    assert r["status"] == "ok", message_texts(msgs)
    r, msgs = cell(kc, f"%globus open {T2}:/~/copy.json")
    assert result(msgs)["application/json"]["experiment"] == "mine"
    r, msgs = cell(kc, "%globus help put")
    assert message_texts(msgs).startswith("Examples:\n  %globus put ") and "--overwrite" in message_texts(msgs)


def test_a_1_gb_get_keeps_the_kernel_small(alice_with_https, tmp_path):
    """The download streams to the file: the kernel's resident memory grows by under 20 MB."""
    sim, km, kc = alice_with_https
    size = 1 << 30
    sim.post_admin("files", {"collection": T1, "path": "/~/big.dat", "size": size})
    local = tmp_path / "big.dat"
    pid = km.provisioner.pid
    reset_peak_rss(pid)
    before = status_kb(pid, "VmRSS")
    started = time.monotonic()
    try:
        r, msgs = cell(kc, f"%globus get {T1}:/~/big.dat {local}", timeout=600)
        seconds = time.monotonic() - started
        peak = status_kb(pid, "VmHWM")
        grown_mb = (peak - before) / 1024
        assert r["status"] == "ok", message_texts(msgs)
        assert "Downloaded" in message_texts(msgs) and "1.1 GB" in message_texts(msgs)
        assert local.stat().st_size == size
        with open(local, "rb") as f:
            assert f.read(31) == b"Globus Simulator generated data"
    finally:
        local.unlink(missing_ok=True)  # 1 GB is not left in pytest's kept folders
    print(f"1 GB get: {seconds:.1f} s; kernel RSS {before / 1024:.1f} MB before, peak {peak / 1024:.1f} MB: grew by {grown_mb:.1f} MB")
    assert grown_mb < 20, f"the kernel grew by {grown_mb:.1f} MB"


def revoke_collection_tokens(sim, home, collection):
    """What revoking the collection's consent in Globus's web app does: the server refuses its
    tokens (and the refresh token), while the kernel's stored copy still looks valid."""
    stored = json.loads((home / ".globus/app" / TUTORIAL_CLIENT / "globus-kernel/tokens.json").read_text())
    refresh = stored["data"]["DEFAULT"][collection]["refresh_token"]
    sim.http.post(sim.url("auth") + "v2/oauth2/token/revoke", data={"token": refresh, "client_id": TUTORIAL_CLIENT},
                  timeout=10).raise_for_status()


def test_a_401_from_a_collection_server_asks_for_its_login_and_the_remedy_works(alice_with_https, tmp_path):
    sim, km, kc = alice_with_https
    # Where the cell cannot ask (nbclient, papermill): the sign-in link for the collection's
    # scope, and the command that finishes it.
    revoke_collection_tokens(sim, tmp_path, T1)
    sim.http.delete(sim.admin + "requests", timeout=10)
    r, msgs = cell(kc, f"%globus open {T1}:/~/samples/table.csv", allow_stdin=False)
    assert r["status"] == "error" and r["ename"] == "LoginRequired", r
    assert f"The refresh token for {T1} was rejected" in r["evalue"]
    remedy = [line.strip() for line in r["traceback"] if line.strip().startswith("%globus login")]
    assert remedy == ["%globus login --code PASTE_CODE_HERE"], r["traceback"]
    url = sign_in_link(msgs)
    assert f"scopes%2F{T1}%2Fhttps" in url
    # The collection's server said 401 (the kernel's copy of the token looked valid): a HEAD
    # there came first, then the refresh that was refused.
    asked = [(q["method"], q["path"]) for q in sim.http.get(sim.admin + "requests", timeout=10).json()["requests"]]
    assert asked.index(("HEAD", f"/https/{T1}/~/samples/table.csv")) < asked.index(("POST", "/auth/v2/oauth2/token")), asked
    r, msgs = cell(kc, remedy[0].replace("PASTE_CODE_HERE", sim.approve(url)))
    assert r["status"] == "ok", message_texts(msgs)
    r, msgs = cell(kc, f"%globus open {T1}:/~/samples/table.csv", allow_stdin=False)
    assert r["status"] == "ok" and "5 rows, 4 columns" in result(msgs)["text/plain"], message_texts(msgs)
    # Where it can ask: the cell signs in for the collection and goes on.
    revoke_collection_tokens(sim, tmp_path, T1)
    r, _, msgs = login_with_stdin(sim, kc, code_line=f"%globus open {T1}:/~/samples/table.csv")
    assert r["status"] == "ok" and "5 rows, 4 columns" in result(msgs)["text/plain"], message_texts(msgs)


def test_a_403_from_a_collection_server_names_the_login_for_it_and_the_remedy_works(alice_with_https):
    """A 403 that says no more (no requirement in it): the error names both causes, and the
    login for the collection's scope, which runs as shown."""
    sim, km, kc = alice_with_https
    sim.post_admin("faults", {"fault": f"status=403@/https/{T1}/x1"})
    r, msgs = cell(kc, f"%globus open {T1}:/~/samples/table.csv", allow_stdin=False)
    assert r["status"] == "error" and r["ename"] == "GlobusAPIError" and r["evalue"].startswith("403"), r
    said = "\n".join(r["traceback"])
    assert "you may have no permission for this path there" in said and "To sign in for it again, run:" in said
    remedy = r["traceback"][-1].strip()
    assert remedy == f"%globus login --scope https://auth.globus.org/scopes/{T1}/https", said
    reply, shown, _ = login_with_stdin(sim, kc, remedy)
    assert reply["status"] == "ok"
    assert f"scopes%2F{T1}%2Fhttps" in sign_in_link([shown])
    r, msgs = cell(kc, f"%globus open {T1}:/~/samples/table.csv", allow_stdin=False)
    assert r["status"] == "ok" and "5 rows, 4 columns" in result(msgs)["text/plain"], message_texts(msgs)
