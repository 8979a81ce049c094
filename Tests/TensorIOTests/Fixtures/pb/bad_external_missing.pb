Btj
locationmissing.binp