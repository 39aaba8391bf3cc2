/// The zero-copy state of one loop.
struct SpliceState {
    var inputEnabled: Bool
    var outputKind: Engine.StdoutKind
    var inputWaitsForSocket = false
    var outputWaitsForStdout = false
    var relay: [Int32] = [-1, -1]

    init(inputEnabled: Bool, output: StandardOutput) {
        self.inputEnabled = inputEnabled
        outputKind = Engine.stdoutKind(output)
    }
}
