import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// libcurl, loaded on first use with `dlopen`. Linking it would load its ~35 dependencies
/// (TLS, Kerberos, LDAP, SSH…) into every process at start-up, whether or not it makes a call.
struct CurlLibrary: @unchecked Sendable {
    let setopt: UnsafeMutableRawPointer
    let getinfo: UnsafeMutableRawPointer
    let easyInit: @convention(c) () -> UnsafeMutableRawPointer?
    let easyReset: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let easyCleanup: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let easyStrerror: @convention(c) (CURLcode) -> UnsafePointer<CChar>?
    let slistAppend: @convention(c) (UnsafeMutablePointer<curl_slist>?, UnsafePointer<CChar>?) -> UnsafeMutablePointer<curl_slist>?
    let slistFreeAll: @convention(c) (UnsafeMutablePointer<curl_slist>?) -> Void
    let multiInit: @convention(c) () -> UnsafeMutableRawPointer?
    let multiAdd: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> CURLMcode
    let multiRemove: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> CURLMcode
    let multiPerform: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> CURLMcode
    let multiPoll: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UInt32, Int32, UnsafeMutablePointer<Int32>?) -> CURLMcode
    let multiInfoRead: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> UnsafeMutablePointer<CURLMsg>?
    let multiCleanup: @convention(c) (UnsafeMutableRawPointer?) -> CURLMcode

    /// The loaded library, or why it could not be loaded.
    static let shared: Result<CurlLibrary, GlobusError> = load()

    static func load() -> Result<CurlLibrary, GlobusError> {
        guard let h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL) ?? dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL) else {
            return .failure(
                .configuration("libcurl could not be loaded (\(dlerror().map { String(cString: $0) } ?? "not found")); install libcurl4 (Debian: apt-get install libcurl4)"))
        }
        var missing: [String] = []
        func sym<T>(_ name: String, _: T.Type) -> T {
            guard let p = dlsym(h, name) else { missing.append(name); return unsafeBitCast(dlsym(h, "curl_version"), to: T.self) }
            return unsafeBitCast(p, to: T.self)
        }
        let lib = CurlLibrary(
            setopt: dlsym(h, "curl_easy_setopt") ?? UnsafeMutableRawPointer(bitPattern: 1)!,
            getinfo: dlsym(h, "curl_easy_getinfo") ?? UnsafeMutableRawPointer(bitPattern: 1)!,
            easyInit: sym("curl_easy_init", (@convention(c) () -> UnsafeMutableRawPointer?).self),
            easyReset: sym("curl_easy_reset", (@convention(c) (UnsafeMutableRawPointer?) -> Void).self),
            easyCleanup: sym("curl_easy_cleanup", (@convention(c) (UnsafeMutableRawPointer?) -> Void).self),
            easyStrerror: sym("curl_easy_strerror", (@convention(c) (CURLcode) -> UnsafePointer<CChar>?).self),
            slistAppend: sym("curl_slist_append", (@convention(c) (UnsafeMutablePointer<curl_slist>?, UnsafePointer<CChar>?) -> UnsafeMutablePointer<curl_slist>?).self),
            slistFreeAll: sym("curl_slist_free_all", (@convention(c) (UnsafeMutablePointer<curl_slist>?) -> Void).self),
            multiInit: sym("curl_multi_init", (@convention(c) () -> UnsafeMutableRawPointer?).self),
            multiAdd: sym("curl_multi_add_handle", (@convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> CURLMcode).self),
            multiRemove: sym("curl_multi_remove_handle", (@convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> CURLMcode).self),
            multiPerform: sym("curl_multi_perform", (@convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> CURLMcode).self),
            multiPoll: sym("curl_multi_poll", (@convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UInt32, Int32, UnsafeMutablePointer<Int32>?) -> CURLMcode).self),
            multiInfoRead: sym("curl_multi_info_read", (@convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> UnsafeMutablePointer<CURLMsg>?).self),
            multiCleanup: sym("curl_multi_cleanup", (@convention(c) (UnsafeMutableRawPointer?) -> CURLMcode).self))
        if dlsym(h, "curl_easy_setopt") == nil || dlsym(h, "curl_easy_getinfo") == nil { missing.append("curl_easy_setopt/getinfo") }
        guard missing.isEmpty else { return .failure(.configuration("this libcurl lacks \(missing.joined(separator: ", ")) (need 7.66 or later)")) }
        let globalInit = unsafeBitCast(dlsym(h, "curl_global_init"), to: (@convention(c) (Int) -> CURLcode).self)
        _ = globalInit(Int(CURL_GLOBAL_DEFAULT))
        return .success(lib)
    }
}
