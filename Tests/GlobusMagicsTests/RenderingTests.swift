import JSON
import JupyterKernel
import PropertyBased
import Testing
@testable import GlobusMagics
import GlobusSDK

@Suite struct RenderingTests {
    /// The byte-level count agrees with `String.count` on any text: ASCII, CR LF pairs (one
    /// character of two bytes), combining marks, emoji sequences, controls.
    @Test func characterCountsAgreeWithStringCount() {
        let pieces = ["a", " ", "\r", "\n", "\r\n", "\t", "\u{0}", "e\u{301}", "é", "👩‍💻", "🇫🇷", "\u{200D}", "|", "…", "x"]
        var rng = Xoshiro(seed: (5, 0x9E37_79B9_7F4A_7C15, 8, 9))
        for _ in 0..<10_000 {
            let text = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(Rendering.characters(text) == text.count, "\(text.debugDescription)")
        }
    }

    /// A listing's columns are chosen as by their definition (scalar before nested, preferred
    /// names in order, the most common, the first seen; at most 8, no DATA_TYPE or @-names),
    /// for rows of the same members in the same order, in other orders, and with members missing.
    @Test func columnsFollowTheirDefinitionForAnyRows() {
        let names = ["DATA_TYPE", "name", "id", "status", "owner", "@datatype", "bytes", "label", "x", "nested", "z", "y"]
        let preferred = ["name", "display_name", "id", "task_id", "status", "type", "size", "label", "username", "subject"]
        var rng = Xoshiro(seed: (7, 0x9E37_79B9_7F4A_7C15, 2, 4))
        for _ in 0..<2_000 {
            let template = names.shuffled(using: &rng).prefix(Int.random(in: 1...names.count, using: &rng))
            let rows: [JSON] = (0..<Int.random(in: 1...6, using: &rng)).map { _ in
                var members = Array(template.filter { _ in Int.random(in: 0..<5, using: &rng) > 0 })
                if Bool.random(using: &rng) && Bool.random(using: &rng) { members.shuffle(using: &rng) }
                var o = JSONObject()
                for m in members { o[m] = m == "nested" || Int.random(in: 0..<8, using: &rng) == 0 ? ["k": 1] : .string(m) }
                return .object(o)
            }
            // The definition, member by member.
            var seen: [String] = []
            for r in rows { for (k, _) in r.object! where !seen.contains(k) { seen.append(k) } }
            func isNested(_ k: String) -> Bool { rows.contains { r in r[k].map { $0.object != nil || $0.array != nil } ?? false } }
            func rank(_ k: String) -> (Int, Int, Int, Int) {
                (isNested(k) ? 1 : 0, preferred.firstIndex(of: k) ?? 100, -rows.filter { $0[k] != nil }.count, seen.firstIndex(of: k)!)
            }
            let expected = Array(seen.sorted { rank($0) < rank($1) }.filter { $0 != "DATA_TYPE" && !$0.hasPrefix("@") }.prefix(8))
            #expect(Rendering.columns(rows) == expected, "\(rows)")
        }
    }

    let listing: JSON = [
        "DATA_TYPE": "file_list",
        "DATA": [
            ["DATA_TYPE": "file", "name": "a.txt", "size": 4, "type": "file"],
            ["DATA_TYPE": "file", "name": "data", "size": 4096, "type": "dir"]
        ]
    ]

    @Test func listingsGetATableTreeAndStableText() {
        let b = Rendering.bundle(for: listing, format: .auto)
        #expect(b["application/json"] == listing)
        #expect(b["text/plain"]?.string?.hasPrefix("{\n  \"DATA\": [") == true)  // sorted keys
        let html = b["text/html"]?.string ?? ""
        #expect(html.contains("<th>name</th>") && html.contains(">data</td>") && !html.contains("DATA_TYPE"))
    }

    @Test func emptyListingsSaySoInTablesAndInTheHTML() {
        let empty: JSON = ["DATA_TYPE": "task_list", "DATA": [], "total": 0]
        #expect(Rendering.bundle(for: empty, format: .table)["text/plain"] == "No rows: DATA is empty.")
        #expect(Rendering.bundle(for: [], format: .table)["text/plain"] == "No rows: the list is empty.")
        let auto = Rendering.bundle(for: empty, format: .auto)
        #expect(auto["application/json"] == empty && auto["text/html"]?.string?.contains("No rows: DATA is empty.") == true)
        // Raw and text stay exactly the data.
        #expect(Rendering.bundle(for: empty, format: .text)["text/plain"]?.string?.contains("\"DATA\": []") == true)
    }

    @Test func longValuesAreShortenedVisiblyAndNestedValuesShown() {
        let long = String(repeating: "x", count: 100)
        let doc: JSON = ["DATA": [["name": .string(long), "id": "1", "tags": ["a", "b"], "owner": ["id": "o1"]]]]
        let text = Rendering.asciiTable(doc)!
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "name" + String(repeating: " ", count: 44) + " | id | tags      | owner")
        #expect(lines[2].hasPrefix(String(repeating: "x", count: 47) + "… | 1  | [\"a\",\"b\"] | {\"id\":\"o1\"}"), "\(text)")
        #expect(lines.last == Rendering.shortenedNote)
        let html = Rendering.htmlTable(doc)!
        #expect(html.contains("title=\"\(long)\"") && html.contains("…</td>") && html.contains("white-space:nowrap"))
        // Nothing shortened, no note.
        #expect(!Rendering.asciiTable(listing)!.contains("shortened"))
    }

    @Test func asciiTableColumnsLineUp() {
        let text = Rendering.asciiTable(listing)!
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "name  | type | size")
        #expect(lines[1] == "------+------+-----")
        #expect(lines[2] == "a.txt | file | 4")
        #expect(lines[3] == "data  | dir  | 4096")
    }

    @Test func errorsCarryTheRemedyAndNeverTheToken() {
        let body =
            #"{"code":"ConsentRequired","message":"Missing required data_access consent","request_id":"r1","required_scopes":["urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/c1/data_access]"]}"#
        let e = GlobusAPIError(
            method: "GET", url: "https://transfer.api.globus.org/v0.10/operation/endpoint/c1/ls", status: 403,
            headers: [("content-type", "application/json")], body: Array(body.utf8))
        let x = ErrorRendering.globus(.api(e))
        #expect(x.ename == "GlobusAPIError")
        #expect(x.evalue == "403 ConsentRequired: Missing required data_access consent")
        #expect(x.traceback.last == "  %globus login --scope 'urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/c1/data_access]'")
        #expect(x.traceback.contains("  request id: r1"))
        let session = ErrorRendering.loginCommand(for: AuthorizationParameters(sessionRequiredSingleDomain: ["anl.gov"], sessionRequiredMFA: true))
        #expect(session == "%globus login --session-domain anl.gov --mfa")
    }
}
