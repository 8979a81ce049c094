Btj"
locationbad_external_short.binj
offset100j
length16p