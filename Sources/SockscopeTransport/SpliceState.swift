/// The zero-copy state of one loop (received bytes only: see Engine+Splice).
struct SpliceState {
    var outputKind: Engine.StdoutKind
    var outputWaitsForStdout = false
    var relay: [Int32] = [-1, -1]

    init(output: StandardOutput) {
        outputKind = Engine.stdoutKind(output)
    }
}
