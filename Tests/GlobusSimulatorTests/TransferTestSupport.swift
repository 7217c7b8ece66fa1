import JSON
import Testing

@testable import GlobusSimulator

/// Transfer's scope, as a client asks for it.
let transferScope = "urn:globus:auth:scope:transfer.api.globus.org:all"

/// A Transfer token for `who`, from a login at the simulator.
func transferToken(_ sim: Simulator, _ who: String = "alice@uchicago.edu") async throws -> String {
    try #require(token(try await login(sim, scope: transferScope, identity: who), for: "transfer.api.globus.org"))
}

/// Submits a transfer of Tutorial Collection 1's `/~/file1.txt` to Tutorial Collection 2 as the
/// owner of `bearer`, and answers the task's id.
func submitTutorialTransfer(_ sim: Simulator, bearer: String) async throws -> String {
    let document: JSON = [
        "DATA_TYPE": "transfer", "source_endpoint": .string(TransferData.tutorial1), "destination_endpoint": .string(TransferData.tutorial2),
        "DATA": [["DATA_TYPE": "transfer_item", "source_path": "/~/file1.txt", "destination_path": "/~/file1.txt"]]
    ]
    let submitted = await sim.handle(
        SimRequest(method: "POST", path: "/transfer/v0.10/transfer", headers: ["authorization": "Bearer " + bearer], body: document.bytes))
    return try #require(try JSON.parse(submitted.body)["task_id"]?.string)
}
