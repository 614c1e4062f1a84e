# Compass bearings in degrees, converted to radians.
set bearings [torch::tensor_create {0.0 45.0 90.0 270.0}]
puts [torch::tensor_print [torch::deg2rad $bearings]]
