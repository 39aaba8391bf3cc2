import Glibc
import Testing

/// A small snapshot helper (DESIGN.md convention 8): compares `text` with Fixtures/Snapshots/NAME
/// beside the calling test file. RECORD_SNAPSHOTS=1 writes the file and fails the test, so no
/// baseline is accepted silently.
public func assertSnapshot(_ text: String, named name: String, filePath: String = #filePath,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    let directory = filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    let path = directory + "/Fixtures/Snapshots/" + name
    if getenv("RECORD_SNAPSHOTS") != nil {
        mkdir(directory + "/Fixtures/Snapshots", 0o755)
        writeFile(path, Array(text.utf8))
        Issue.record("recorded snapshot \(name); run again without RECORD_SNAPSHOTS", sourceLocation: sourceLocation)
        return
    }
    let recorded = readFile(path)
    if recorded.isEmpty {
        Issue.record("no snapshot \(name): run with RECORD_SNAPSHOTS=1 and review it", sourceLocation: sourceLocation)
        return
    }
    #expect(String(decoding: recorded, as: UTF8.self) == text, "snapshot \(name) differs", sourceLocation: sourceLocation)
}
