enum _PlaceholderTRT {}
