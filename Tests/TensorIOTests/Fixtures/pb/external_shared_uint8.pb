Bexternal_shared_uint8j
locationexternal_shared.binj
offset0j
length5p