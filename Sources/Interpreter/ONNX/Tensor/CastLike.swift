import LockstepCore

/// CastLike (opsets 15–25+): Cast to the element type of the second input (`target_type`, whose
/// values are not read). `saturate` (19+) and `round_mode` (24+) as in Cast.
struct CastLikeKernel: Kernel {
    let options: TypeConversion.Options

    static let registration = OpRegistration("CastLike", versions: 15...Int.max) { context in
        CastLikeKernel(options: try CastKernel.options(context.attributes))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, like) = try Inputs.two(inputs)
        return [TensorInfo(dtype: like.dtype, shape: x.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, like) = try Inputs.two(inputs)
        return [.tensor(try TypeConversion.convert(x, to: like.dtype, options: options))]
    }
}
