Bexternal_shared_float64j
locationexternal_shared.binj
offset64j
length32p