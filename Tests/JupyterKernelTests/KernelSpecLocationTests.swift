import Testing
@testable import JupyterKernel

/// Where `install` puts a kernelspec, from the variables it is given (as Jupyter looks).
@Suite struct KernelSpecLocationTests {
    @Test func theUsersDataDirectoryFollowsJupytersOrder() {
        let all = ["JUPYTER_DATA_DIR": "/j", "XDG_DATA_HOME": "/x", "HOME": "/h"]
        #expect(KernelSpec.Location.user(all).kernelsDirectory == "/j/kernels")
        #expect(KernelSpec.Location.user(all.merging(["JUPYTER_DATA_DIR": ""]) { $1 }).kernelsDirectory == "/x/jupyter/kernels")
        #expect(KernelSpec.Location.user(["HOME": "/h"]).kernelsDirectory == "/h/.local/share/jupyter/kernels")
        #expect(KernelSpec.Location.user([:]).kernelsDirectory == "//.local/share/jupyter/kernels")
        #expect(KernelSpec.Location.prefix("/venv").kernelsDirectory == "/venv/share/jupyter/kernels")
    }

    @Test func sizesAndParentsParseAsJupyterWritesThem() {
        #expect(ServerSettings.parseSize("64MiB") == 64 << 20)
        #expect(ServerSettings.parseSize("10k") == 10 << 10)
        #expect(ServerSettings.parseSize("1024") == 1024)
        #expect(ServerSettings.parsePID("1234") == 1234)
        #expect(ServerSettings.parsePID("1") == nil)
    }
}
