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
        do throws(GlobusError) {
            let l = try DynamicLibrary(["libcurl.so.4", "libcurl.so"], install: "libcurl4 (Debian: apt-get install libcurl4)")
            do throws(DynamicLibrary.Missing) {
                let lib = CurlLibrary(
                    setopt: try l.address("curl_easy_setopt"), getinfo: try l.address("curl_easy_getinfo"),
                    easyInit: try l.function("curl_easy_init"), easyReset: try l.function("curl_easy_reset"),
                    easyCleanup: try l.function("curl_easy_cleanup"), easyStrerror: try l.function("curl_easy_strerror"),
                    slistAppend: try l.function("curl_slist_append"), slistFreeAll: try l.function("curl_slist_free_all"),
                    multiInit: try l.function("curl_multi_init"), multiAdd: try l.function("curl_multi_add_handle"),
                    multiRemove: try l.function("curl_multi_remove_handle"), multiPerform: try l.function("curl_multi_perform"),
                    multiPoll: try l.function("curl_multi_poll"), multiInfoRead: try l.function("curl_multi_info_read"),
                    multiCleanup: try l.function("curl_multi_cleanup"))
                let globalInit: @convention(c) (Int) -> CURLcode = try l.function("curl_global_init")
                _ = globalInit(Int(CURL_GLOBAL_DEFAULT))
                return .success(lib)
            } catch {
                return .failure(.configuration("this libcurl lacks \(error.name) (need 7.66 or later)"))
            }
        } catch {
            return .failure(error)
        }
    }
}
