# Polar angle of points (x, y), one per column; the signs pick the quadrant.
set y [torch::tensor_create {1.0 1.0 -1.0 -1.0}]
set x [torch::tensor_create {1.0 -1.0 -1.0 1.0}]
puts [torch::tensor_print [torch::atan2 $y $x]]
puts [torch::tensor_print [torch::rad2deg [torch::atan2 -y $y -x $x]]]
