# Slopes to angles: a slope of 1 is 45 degrees (pi/4); huge slopes approach pi/2.
set slopes [torch::tensor_create {0.0 1.0 -1.0 1000.0}]
puts [torch::tensor_print [torch::atan $slopes]]
