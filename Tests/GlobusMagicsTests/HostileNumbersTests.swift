import GlobusSimulator
import JSON
import JupyterKernel
import SimulatorSupport
import Testing
@testable import GlobusMagics
@testable import GlobusSDK

/// Numbers a hostile service answers, at the ends of Int's range, are shown, never trapped on.
@Suite struct HostileNumbersTests {
    @Test func epochTimesOutsideTheCalendarAreShownAsNumbers() {
        #expect(SessionCommand.time(0) == "1970-01-01 00:00:00 UTC")
        for t in [67_768_036_191_676_799, Int.max, Int.min, -62_167_219_201] {
            #expect(SessionCommand.time(t) == "\(t) (not a date)")
        }
    }
}
