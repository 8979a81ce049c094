Btj
locationexternal_shared.binj
offset0j
length12p