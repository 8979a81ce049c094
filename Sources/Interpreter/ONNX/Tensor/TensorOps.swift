/// Registrations of shape, layout, indexing and type-conversion ops (ONNX/Tensor/).
enum TensorOps {
    static var registrations: [OpRegistration] {
        [
            IdentityKernel.registration,
            ConstantKernel.registration,
            ConstantOfShapeKernel.registration,
            ShapeKernel.registration,
            SizeKernel.registration,
            FlattenKernel.registration,
            TransposeKernel.registration,
            ConcatKernel.registration,
            SplitKernel.registration,
            GatherKernel.registration,
            GatherElementsKernel.registration,
            GatherNDKernel.registration,
            ScatterElementsKernel.registration,
            ScatterNDKernel.registration,
            ScatterKernel.registration,
            ExpandKernel.registration,
            TileKernel.registration,
            PadKernel.registration,
            RangeKernel.registration,
            CastKernel.registration,
            CastLikeKernel.registration,
            NonZeroKernel.registration,
            OneHotKernel.registration,
            TopKKernel.registration,
            ArgExtremumKernel.registration,
            ArgMinOp.registration,
            DepthToSpaceKernel.registration,
            SpaceToDepthKernel.registration,
            TriluKernel.registration,
            EyeLikeKernel.registration,
            CompressKernel.registration,
            CumSumKernel.registration,
            ReverseSequenceKernel.registration,
            UniqueKernel.registration,
            DetKernel.registration,
        ]
            + ReshapeKernel.registrations + SqueezeKernel.registrations + UnsqueezeKernel.registrations + SliceKernel.registrations
    }
}
