enum _PlaceholderTFLite {}
