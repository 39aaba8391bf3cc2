import Testing
@testable import SockscopeCore

/// The file transfer's lines (sockscope(1), FILE TRANSFER) and the progress a sender draws.
struct FileTransferTests {
    func request(_ text: String) -> Result<(name: String, size: Int), FileTransfer.Refusal> {
        FileTransfer.parseRequest(Array(text.utf8))
    }

    @Test func aRequestIsItsSizeThenItsName() {
        guard case .success(let asked) = request("SEND 1048576 report final.pdf") else { Issue.record("refused"); return }
        #expect(asked.name == "report final.pdf" && asked.size == 1_048_576)
        guard case .success(let crlf) = request("SEND 0 empty\r") else { Issue.record("refused"); return }
        #expect(crlf.name == "empty" && crlf.size == 0)
        #expect(FileTransfer.request(name: "a b", size: 3) == "SEND 3 a b\n")
        // Eighteen digits at most: a number that fits, whatever is typed.
        guard case .success(let big) = request("SEND 999999999999999999 x") else { Issue.record("refused"); return }
        #expect(big.size == 999_999_999_999_999_999)
    }

    @Test(arguments: ["SEND", "SEND 1", "SEND x y", "SEND -1 x", "SEND 1e3 x", "SEND 1000000000000000000 x", "PUT 1 x", " SEND 1 x"])
    func malformedRequestsAreBadRequests(_ text: String) {
        guard case .failure(let refusal) = request(text) else { Issue.record("accepted \(text)"); return }
        #expect(refusal == .badRequest)
    }

    @Test func onlyPlainBaseNamesPass() {
        for good in ["a", "report.pdf", ".hidden", "...", "naïve café", "-dash", String(repeating: "n", count: 250)] {
            #expect(FileTransfer.checkedName(Array(good.utf8)) == good, "\(good)")
        }
        let bad: [[UInt8]] = [[], Array(".".utf8), Array("..".utf8), Array("a/b".utf8), Array("/etc".utf8), [0x61, 0x00],
                              [0x61, 0x1B], [0x09], [0x7F], [0xC2, 0x85], [0xFF], Array(repeating: 0x6E, count: 251)]
        for name in bad {
            #expect(FileTransfer.checkedName(name) == nil, "\(name)")
        }
        #expect(FileTransfer.baseName("dir/sub/file.txt") == "file.txt")
        #expect(FileTransfer.baseName("file") == "file")
        #expect(FileTransfer.baseName("dir/") == "dir")
    }

    @Test func repliesAreReadAsWritten() {
        let digest = String(repeating: "ab", count: 32)
        for reply in [FileTransfer.Reply.ok, .refused("no space"), .digest(digest), .error("write failed")] {
            #expect(FileTransfer.parseReply(Array(reply.line.utf8.dropLast())) == reply)
        }
        #expect(FileTransfer.parseReply(Array("SHA256 \(digest)\r".utf8)) == .digest(digest))
        #expect(FileTransfer.parseReply(Array("SHA256 ABCD".utf8)) == nil)
        #expect(FileTransfer.parseReply(Array("SHA256 \(digest.uppercased())".utf8)) == nil)
        #expect(FileTransfer.parseReply(Array("HELLO".utf8)) == nil)
        #expect(FileTransfer.hex([0x00, 0x0F, 0xA5, 0xFF]) == "000fa5ff")
    }

    @Test func progressSaysBytesPercentRateAndTimeLeft() {
        #expect(TransferProgress.line(done: 512 << 20, total: 1 << 30, seconds: 2)
                == "512.0 MiB of 1.0 GiB (50%), 268.4 MB/s, 0:02 left")
        #expect(TransferProgress.line(done: 1 << 30, total: 1 << 30, seconds: 4) == "1.0 GiB of 1.0 GiB (100%), 268.4 MB/s, in 0:04")
        #expect(TransferProgress.line(done: 0, total: 0, seconds: 0) == "0 B of 0 B (100%), - B/s, in 0:00")
        #expect(TransferProgress.twoWays(sent: 2000, received: 0, seconds: 2) == "sent 2.0 KiB (1.0 KB/s), received 0 B (0 B/s)")
        #expect(TransferProgress.clock(3725) == "1:02:05")
        #expect(TransferProgress.clock(.infinity) == "-:--" && TransferProgress.clock(90000) == "-:--")
    }
}
