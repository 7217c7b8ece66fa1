import JSON
import JupyterKernel

extension MimeBundle {
    /// This bundle with `doc` as its JSON.
    func adding(json doc: JSON) -> MimeBundle {
        var b = self
        b["application/json"] = doc
        return b
    }
}
