Bexternal_float32j 
locationexternal_float32.binj
offset0j
length48p