enum _PlaceholderONNXFormat {}
