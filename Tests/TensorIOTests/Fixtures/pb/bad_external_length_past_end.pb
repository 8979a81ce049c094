Btj"
locationbad_external_short.binj
offset0j
length16p