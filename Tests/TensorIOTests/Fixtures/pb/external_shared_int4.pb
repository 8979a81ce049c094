Bexternal_shared_int4j
locationexternal_shared.binj
offset96j
length2p