Btj"
locationbad_external_short.binp