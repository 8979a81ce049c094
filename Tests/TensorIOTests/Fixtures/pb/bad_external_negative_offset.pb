Btj
locationexternal_shared.binj
offset-4p