import Support
import JSON
import Testing
@testable import GlobusMagics

/// CSV and TSV tables as RFC 4180 reads them, with the header found.
@Suite struct CSVTableTests {
    @Test func quotedFieldsHoldDelimitersQuotesAndLineBreaks() {
        let t = CSVTable("name,note\r\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\"\r\nAnn,\r\n", delimiter: ",", complete: true)
        #expect(t.hasHeader && t.headers == ["name", "note"])
        #expect(t.rows == [["Smith, J", "said \"hi\"\nthen left"], ["Ann", ""]])
        #expect(CSVTable("a\tb\n\"x\ty\"\tz\n", delimiter: "\t", complete: true).rows == [["x\ty", "z"]])
    }

    @Test func aFirstRowOfNumbersIsDataAndColumnsAreNumbered() {
        let t = CSVTable("1,2\n3,4\n", delimiter: ",", complete: true)
        #expect(!t.hasHeader && t.headers == ["column 1", "column 2"] && t.rows.count == 2)
        #expect(CSVTable("x,x\n1,2\n", delimiter: ",", complete: true).hasHeader == false, "repeated names are no header")
        #expect(CSVTable("a,b\n1,2\n", delimiter: ",", complete: true).hasHeader)
    }

    @Test func aHeadReadLeavesOutTheLastRecordWhichMayBeCut() {
        let t = CSVTable("a,b\n1,2\n3,4\n5,6", delimiter: ",", complete: false)
        #expect(t.rows == [["1", "2"], ["3", "4"]])
        #expect(CSVTable("a,b\n1,2\n3,4\n5,6", delimiter: ",", complete: true).rows.count == 3)
    }

    @Test func rowsAreKeptAsObjectsByColumnName() {
        let t = CSVTable("a,b\n1,2\n3\n", delimiter: ",", complete: true)
        #expect(t.json == [["a": "1", "b": "2"], ["a": "3", "b": ""]])
    }
}
