enum _PlaceholderLockstepKit {}
