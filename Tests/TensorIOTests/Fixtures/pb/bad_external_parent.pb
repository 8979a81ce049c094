Btj
location../x.binp