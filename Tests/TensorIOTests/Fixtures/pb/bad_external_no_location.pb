Btj
offset0j
length16p