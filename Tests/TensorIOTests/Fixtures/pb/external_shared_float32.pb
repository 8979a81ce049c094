Bexternal_shared_float32j
locationexternal_shared.binj
offset5j
length16p