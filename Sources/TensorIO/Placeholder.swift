enum _PlaceholderTensorIO {}
