import LockstepCore

/// CumProd (opset 26+): running products along the axis given by the int32/int64 scalar input
/// `axis`; `exclusive`=1 starts from 1 and leaves out the current element, `reverse`=1 multiplies
/// from the end. Integers wrap; float16/bfloat16 multiply in float32 and round each result once.
/// Shares `CumSumKernel`.
enum CumProdOp {
    static let registration = OpRegistration("CumProd", versions: 26...Int.max, factory: CumSumKernel.factory(product: true))
}
