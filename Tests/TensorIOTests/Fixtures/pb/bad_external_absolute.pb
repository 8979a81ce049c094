Btj
location/etc/hostnamej
length16p