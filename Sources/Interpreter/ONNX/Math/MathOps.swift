/// Registrations of the elementwise math, activation, comparison and logical ops (ONNX/Math/).
enum MathOps {
    static var registrations: [OpRegistration] {
        ArithmeticKernel.registrations() + [
            ReluKernel.registration,
        ]
    }
}
