import Escaping
import GlobusSDK
import JupyterKernel

extension GlobusContext {
    /// Submits a task as a `TransferData` or `DeleteData`, which the client checks and sends with
    /// a fresh submission id (safe to retry); its result names the task and how to watch it.
    func submit(_ doc: TaskDocument, app: GlobusApp) throws(MagicError) -> MimeBundle {
        let client = transfer(app)
        let answer = try sdk { () throws(GlobusError) in
            try doc.kind == .transfer ? client.submitTransfer(doc.transferData) : client.submitDelete(doc.deleteData)
        }
        let id = answer.taskID ?? "?"
        let text = "Submitted \(doc.kind.rawValue) task \(id).\nWatch it: %globus task wait \(id)"
        var b = MimeBundle(text: text)
        b["application/json"] = answer.data
        b["text/html"] = .string("<p>Submitted \(doc.kind.rawValue) task <code>\(HTML.escape(id))</code>. Watch it: <code>%globus task wait \(HTML.escape(id))</code></p>")
        return b
    }
}
