import LockstepCore

/// REVERSE_SEQUENCE (1): for each index b along `batch_dim`, reverses the first `seq_lengths[b]`
/// elements along `seq_dim` and keeps the rest — google-ai-edge/LiteRT
/// `tflite/kernels/reverse_sequence.cc` (`reference_ops::ReverseSequence`). Any byte-addressable
/// element type; lengths int32 or int64, each in [0, dim of seq_dim] (else an error).
struct TFLiteReverseSequence: Kernel {
    static let registration = TFLiteOps.op("REVERSE_SEQUENCE") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteReverseSequence(seqDim: try context.attributes.int("seq_dim", default: 0),
                                     batchDim: try context.attributes.int("batch_dim", default: 0))
    }

    let seqDim: Int
    let batchDim: Int

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, l) = try Inputs.two(inputs)
        try TFLiteIndexing.requireRaw(x, "input")
        let s = try TFLiteSupport.axis(seqDim, rank: x.rank, name: "seq_dim"), b = try TFLiteSupport.axis(batchDim, rank: x.rank, name: "batch_dim")
        guard s != b else { throw KernelError("seq_dim and batch_dim must differ, both are \(s)") }
        let lengths = try TFLiteSupport.integers(l, "seq_lengths")
        guard l.rank == 1, lengths.count == x.shape[b] else { throw KernelError("seq_lengths \(l.shape) must have dimension \(x.shape[b]) of batch_dim") }
        for v in lengths where v < 0 || v > x.shape[s] {
            throw KernelError("seq_lengths holds \(v), outside [0, \(x.shape[s])]")
        }
        let strides = DataMovement.strides(x.shape)
        return [.tensor(try TFLiteIndexing.remap(x, to: x.shape) { index in
            var offset = 0
            let n = lengths[index[b]]
            for d in 0..<index.count {
                let i = d == s && index[d] < n ? n - 1 - index[d] : index[d]
                offset += i * strides[d]
            }
            return offset
        })]
    }
}
