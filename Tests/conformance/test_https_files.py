"""Files over a collection's HTTPS server through a real kernel: `%globus open` shows the sample
CSV as a table and the PNG as image/png; `%globus get` then `%globus put` make a round trip."""
import base64

from test_globus_magics import cell, globus, login_with_stdin, texts  # noqa: F401 (fixture)

T1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
T2 = "31ce9ba0-176d-45a5-add3-f37d233ba47d"


def result(msgs):
    return [m for m in msgs if m["msg_type"] == "execute_result"][-1]["content"]["data"]


def test_open_shows_the_csv_as_a_table_and_the_png_as_an_image(globus):
    sim, start = globus
    km, kc = start()
    assert login_with_stdin(sim, kc)[0]["status"] == "ok"
    # The collection's https scope is asked for once, by the first open, in the cell.
    r, _, msgs = login_with_stdin(sim, kc, code_line=f"%globus open {T1}:/~/samples/table.csv --as table")
    assert r["status"] == "ok", texts(msgs)
    data = result(msgs)
    assert "<th>temperature_c</th>" in data["text/html"] and "5 rows, 4 columns" in data["text/plain"]
    r, msgs = cell(kc, f"%globus open {T1}:/~/samples/gradient.png")
    assert r["status"] == "ok", texts(msgs)
    png = base64.b64decode(result(msgs)["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and "PNG image, 16×16" in result(msgs)["text/plain"]


def test_get_then_put_round_trip(globus, tmp_path):
    sim, start = globus
    km, kc = start()
    assert login_with_stdin(sim, kc)[0]["status"] == "ok"
    local = tmp_path / "metadata.json"
    r, _, msgs = login_with_stdin(sim, kc, code_line=f"%globus get {T1}:/~/samples/metadata.json {local}")
    assert r["status"] == "ok", texts(msgs)
    assert b'"experiment": "tutorial"' in local.read_bytes()
    r, _, msgs = login_with_stdin(sim, kc, code_line=f"%globus put {local} {T2}:/~/copy.json")
    assert r["status"] == "ok", texts(msgs)
    assert "Uploaded" in texts(msgs)
    r, msgs = cell(kc, f"%globus open {T2}:/~/copy.json")
    assert r["status"] == "ok", texts(msgs)
    assert result(msgs)["application/json"]["experiment"] == "tutorial"
